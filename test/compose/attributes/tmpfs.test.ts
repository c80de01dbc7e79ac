import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('tmpfs: string becomes a list; list kept', async () => {
  assert.deepEqual((await loadService(svc('tmpfs: /run'))).tmpfs, ['/run']);
  assert.deepEqual((await loadService(svc('tmpfs: ["/run:size=64m", /tmp]'))).tmpfs, ['/run:size=64m', '/tmp']);
});
