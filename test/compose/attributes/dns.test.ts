import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('dns, dns_search, dns_opt: string or list', async () => {
  const s = await loadService(svc('dns: 8.8.8.8\ndns_search: [example.com]\ndns_opt: [use-vc]'));
  assert.deepEqual([s.dns, s.dns_search, s.dns_opt], [['8.8.8.8'], ['example.com'], ['use-vc']]);
});
