import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('entrypoint: string form is split into words', async () => {
  assert.deepEqual((await loadService(svc('entrypoint: /bin/sh -c "exec app"'))).entrypoint, ['/bin/sh', '-c', 'exec app']);
});

test('entrypoint: list form kept', async () => {
  assert.deepEqual((await loadService(svc('entrypoint: ["/init", "--"]'))).entrypoint, ['/init', '--']);
});
