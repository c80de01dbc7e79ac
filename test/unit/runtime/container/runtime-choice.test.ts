/** `runtime:` in shim.json: the shim by default, runc with its resolved path, everything else refused by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildShimOptions } from '../../../../runtime/container/shim-options.js';
import { buildOciConfig } from '../../../../runtime/container/oci-spec.js';
import { collectRuncPath } from '../../../../runtime/container/facts.js';
import { baseFacts, baseSpec, bundle } from './fixtures.js';

test('no runtime, or runtime shim: the shim creates the container and shim.json names no runc', () => {
  for (const runtime of [undefined, 'shim' as const]) {
    const o = buildShimOptions(baseSpec(runtime ? { runtime } : {}), bundle, { runcPath: '/usr/sbin/runc' });
    assert.equal(o.runtime, 'shim');
    assert.equal('runcPath' in o, false);
  }
});

test('runtime runc: shim.json carries the resolved runc binary', () => {
  const o = buildShimOptions(baseSpec({ runtime: 'runc' }), bundle, { runcPath: '/opt/bin/runc' });
  assert.equal(o.runtime, 'runc');
  assert.equal(o.runcPath, '/opt/bin/runc');
});

test('runtime runc without runc installed fails naming the container, with an install hint', () => {
  assert.throws(() => buildShimOptions(baseSpec({ runtime: 'runc' }), bundle, {}), (e: Error & { hint?: string }) => {
    assert.equal(e.message, 'create container "demo-web-1": runtime runc: runc is not installed (not found in PATH)');
    assert.match(e.hint ?? '', /apt-get install runc/);
    return true;
  });
});

test('an unknown runtime is refused, never run by something else', () => {
  assert.throws(() => buildShimOptions(baseSpec({ runtime: 'kata' as never }), bundle, { runcPath: '/usr/sbin/runc' }),
    /^RuntimeError: create container "demo-web-1": unknown runtime "kata" \(known: shim, runc\)$/);
});

test('init: true under runc: the init is config.json\'s first argument (the shim bound in as /sbin/docker-init), not the shim\'s', () => {
  assert.equal(buildShimOptions(baseSpec({ runtime: 'runc', init: true }), bundle, { runcPath: '/usr/sbin/runc' }).init, false);
  assert.equal(buildShimOptions(baseSpec({ init: true }), bundle).init, true);
  const config = buildOciConfig(baseSpec({ runtime: 'runc', init: true, command: ['sleep', '5'] }), baseFacts({ initBinary: '/opt/tscompose/tscompose-shim' })) as {
    process: { args: string[] }; mounts: Array<{ destination: string; source: string; options: string[] }>;
  };
  assert.deepEqual(config.process.args, ['/sbin/docker-init', 'init', '--', 'sleep', '5']);
  assert.deepEqual(config.mounts.find((m) => m.destination === '/sbin/docker-init'), {
    destination: '/sbin/docker-init', type: 'bind', source: '/opt/tscompose/tscompose-shim', options: ['rbind', 'ro', 'nosuid', 'nodev'],
  });
  const shimRun = buildOciConfig(baseSpec({ init: true, command: ['sleep', '5'] }), baseFacts()) as { process: { args: string[] }; mounts: Array<{ destination: string }> };
  assert.deepEqual(shimRun.process.args, ['sleep', '5']);
  assert.equal(shimRun.mounts.some((m) => m.destination === '/sbin/docker-init'), false);
  assert.throws(() => buildOciConfig(baseSpec({ runtime: 'runc', init: true }), baseFacts()), /init: true under runtime runc needs the shim binary/);
});

test('collectRuncPath finds an executable runc on PATH and skips non-executables and relative dirs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-runcpath-'));
  try {
    const a = path.join(dir, 'a'), b = path.join(dir, 'b');
    fs.mkdirSync(a); fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, 'runc'), 'not executable', { mode: 0o644 });
    fs.writeFileSync(path.join(b, 'runc'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(collectRuncPath(`relative/dir:${a}:${b}`), path.join(b, 'runc'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
