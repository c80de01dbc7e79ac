import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('sysctls: list and mapping forms give a mapping of strings', async () => {
  assert.deepEqual((await loadService(svc('sysctls: [net.core.somaxconn=1024]'))).sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual((await loadService(svc('sysctls:\n  net.ipv4.tcp_syncookies: 0'))).sysctls, { 'net.ipv4.tcp_syncookies': '0' });
});
