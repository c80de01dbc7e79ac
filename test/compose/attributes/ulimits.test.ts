import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('ulimits: single number stays a number; soft/hard become integers', async () => {
  const s = await loadService(svc('ulimits:\n  nproc: 65535\n  nofile:\n    soft: 20000\n    hard: 40000'));
  assert.deepEqual(s.ulimits, { nproc: 65535, nofile: { soft: 20000, hard: 40000 } });
});

test('ulimits: interpolated values are cast to integers', async () => {
  const s = await loadService(svc('ulimits:\n  nproc: ${N}'), 'web', { env: { N: '42' } });
  assert.equal(s.ulimits.nproc, 42);
});
