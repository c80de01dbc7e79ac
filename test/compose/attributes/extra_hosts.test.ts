import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('extra_hosts: list with ":" or "=" becomes host=ip', async () => {
  const s = await loadService(svc('extra_hosts:\n  - "db:10.0.0.2"\n  - "v6=::1"\n  - "gw:host-gateway"'));
  assert.deepEqual(s.extra_hosts, ['db=10.0.0.2', 'v6=::1', 'gw=host-gateway']);
});

test('extra_hosts: mapping form, with several addresses', async () => {
  const s = await loadService(svc('extra_hosts:\n  db: 10.0.0.2\n  multi: ["10.0.0.3", "::2"]'));
  assert.deepEqual(s.extra_hosts, ['db=10.0.0.2', 'multi=10.0.0.3', 'multi=::2']);
});
