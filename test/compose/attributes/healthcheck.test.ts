import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadService, svc } from './helpers.js';

test('healthcheck: string test becomes CMD-SHELL; durations printed the Go way', async () => {
  const s = await loadService(svc('healthcheck:\n  test: curl -f http://localhost\n  interval: 90s\n  timeout: 1500ms\n  retries: 3\n  start_period: 1h\n  start_interval: 5s'));
  assert.deepEqual(s.healthcheck, { test: ['CMD-SHELL', 'curl -f http://localhost'], interval: '1m30s', timeout: '1.5s', retries: 3, start_period: '1h0m0s', start_interval: '5s' });
});

test('healthcheck: list test and disable', async () => {
  assert.deepEqual((await loadService(svc('healthcheck:\n  test: ["CMD", "true"]'))).healthcheck.test, ['CMD', 'true']);
  assert.equal((await loadService(svc('healthcheck:\n  disable: true'))).healthcheck.disable, true);
});

test('healthcheck: a bad duration names the key', async () => {
  assert.match(await loadError(svc('healthcheck:\n  interval: 10 parsecs')), /services\.web\.healthcheck\.interval: invalid duration/);
});
