/**
 * e2e (root, where Debian's runc is installed): a second opinion. The same config.json the shim runs is run
 * by `runc run` (root.path pointed at the plain rootfs, which runc does not overlay) and both must report
 * the same isolation: capabilities, seccomp mode and answers, no_new_privs, masked paths, denied mounts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { destroy, makeBundle, makeRootfs, makeTestRoot, repoRoot, runToExit } from './shim-fixture.js';

const haveRunc = spawnSync('runc', ['--version']).status === 0;
const skip = needsRoot || (haveRunc ? false : 'runc is not installed');

const script = [
  'grep -E "^(CapEff|CapBnd|CapPrm|Seccomp|NoNewPrivs):" /proc/self/status',
  'echo "pid1=$(cat /proc/1/comm)"',
  'echo "keys=$(cat /proc/keys 2>&1 | wc -c) timer_list=$(cat /proc/timer_list 2>&1 | wc -c) firmware=$(ls /sys/firmware | wc -l)"',
  'mount -t tmpfs none /root 2>/dev/null && echo mount=ok || echo mount=denied',
  'echo "uid=$(id -u) cwd=$(pwd) host=$(hostname)"',
  '/bin/probe',
].join('; ');

test('shim vs runc: the same config.json gives the same observable isolation', { skip, timeout: 120_000 }, async (t) => {
  const root = makeTestRoot('shimrunc');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const rootfs = makeRootfs(root);
  execFileSync('gcc', ['-static', '-O2', '-o', path.join(rootfs, 'bin/probe'), path.join(repoRoot, 'test/runtime/fixtures/syscall-probe.c')]);
  const opts = { args: ['sh', '-c', script], noNewPrivileges: true, cwd: '/tmp', hostname: 'same' };

  const viaShim = await runToExit(root, rootfs, opts);
  t.after(() => destroy(viaShim.b));
  assert.equal(viaShim.state.exitCode, 0, viaShim.out);

  const rb = makeBundle(root, rootfs, opts);
  t.after(() => destroy(rb));
  const cfg = JSON.parse(fs.readFileSync(path.join(rb.dir, 'config.json'), 'utf8'));
  cfg.root = { path: rootfs, readonly: false };
  fs.writeFileSync(path.join(rb.dir, 'config.json'), JSON.stringify(cfg));
  const name = `tsc-runc-${rb.id.slice(0, 12)}`;
  t.after(() => { spawnSync('runc', ['delete', '--force', name]); });
  const r = spawnSync('runc', ['run', '--bundle', rb.dir, name], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);

  const norm = (s: string) => s.replace(/\r/g, '').split('\n').filter(Boolean).sort();
  assert.deepEqual(norm(viaShim.out), norm(r.stdout));
  // and the shared answers are the Docker ones (guards against both being wrong the same way)
  assert.match(r.stdout, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(r.stdout, /^clone3 38$/m);
});
