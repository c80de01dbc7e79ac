import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkUpFlags } from '../../../src/cli/commands/up.js';

test('up --watch: refused with -d, --wait and --no-build, with docker compose\'s messages', () => {
  assert.throws(() => checkUpFlags({ watch: true, detach: true }), { message: '--detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch' });
  assert.throws(() => checkUpFlags({ watch: true, wait: true }), { message: '--wait cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch' });
  assert.throws(() => checkUpFlags({ watch: true, build: false }), { message: '--no-build and --watch are incompatible' });
  assert.deepEqual(checkUpFlags({ watch: true }), { detach: false, onExit: 'ignore' }, 'attached up --watch is fine');
});
