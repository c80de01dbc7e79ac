import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('logging: driver and options (values as strings)', async () => {
  const s = await loadService(svc('logging:\n  driver: json-file\n  options:\n    max-size: 10m\n    max-file: 3'));
  assert.deepEqual(s.logging, { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
});
