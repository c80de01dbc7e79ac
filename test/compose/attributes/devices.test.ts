import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('devices: short forms get target and permissions', async () => {
  const s = await loadService(svc('devices:\n  - /dev/ttyUSB0\n  - /dev/sda:/dev/xvda:r\n  - vendor.com/gpu=all'));
  assert.deepEqual(s.devices, [
    { source: '/dev/ttyUSB0', target: '/dev/ttyUSB0', permissions: 'rwm' },
    { source: '/dev/sda', target: '/dev/xvda', permissions: 'r' },
    { source: 'vendor.com/gpu=all' },
  ]);
});

test('devices: long form', async () => {
  const s = await loadService(svc('devices:\n  - source: /dev/fuse\n    target: /dev/fuse\n    permissions: rw'));
  assert.deepEqual(s.devices, [{ source: '/dev/fuse', target: '/dev/fuse', permissions: 'rw' }]);
});
