import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('restart: policies are kept as written', async () => {
  for (const p of ['no', 'always', 'on-failure', 'on-failure:3', 'unless-stopped']) {
    assert.equal((await loadService(svc(`restart: "${p}"`))).restart, p);
  }
});
