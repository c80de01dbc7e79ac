/**
 * e2e (root): cgroup limits and process settings the shim applies: memory OOM (137 + oomKilled), pids
 * limit against a fork bomb, cpu quota, and read-only root, tmpfs, bind mounts, user, rlimits, sysctls,
 * working dir and environment as a process in the container sees them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { destroy, leftovers, makeBundle, makeRootfs, makeTestRoot, readState, runToExit, shim, waitState, type Bundle } from './shim-fixture.js';
import { isMine } from './shim-fixture.js';

let root = '';
let rootfs = '';
const made: Bundle[] = [];
function setup(): void {
  if (root) return;
  root = makeTestRoot('shimres');
  rootfs = makeRootfs(root);
}
const mine = (e: string) => isMine(e, root);

test('shim: a memory hog over 32m is OOM-killed: exit 137, oomKilled', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const { b, state } = await runToExit(root, rootfs, {
    // tail holds its whole input when there is no newline: it grows until the limit kills it
    args: ['sh', '-c', 'head -c 300m /dev/zero | tail; exit $?'],
    resources: { memory: { limit: 32 * 1024 * 1024, swap: 64 * 1024 * 1024 } },
  });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(state.exitCode, 137);
  assert.equal(state.oomKilled, true);
});

test('shim: a pids limit stops a fork bomb', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const { b, out, state } = await runToExit(root, rootfs, {
    // the bomb runs in a subshell (a failed fork ends the shell that tried); counting uses builtins only,
    // because once the limit is reached the outer shell cannot fork either
    args: ['sh', '-c', '(for i in $(seq 1 60); do sleep 30 & done) 2>/tmp/err; set -- /proc/[0-9]*; echo "running=$#"; read -r line </tmp/err; echo "err=$line"; exit 0'],
    resources: { pids: { limit: 20 } },
  });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(state.exitCode, 0, out);
  const running = Number(/running=(\d+)/.exec(out)?.[1]);
  assert.ok(running > 0 && running <= 20, `at most 20 processes (saw ${running})`);
  assert.match(out, /^err=.*(fork|Resource temporarily unavailable)/m, 'forks beyond the limit fail');
});

test('shim: a cpu quota of 50% holds', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = makeBundle(root, rootfs, { args: ['sh', '-c', 'while :; do :; done'], resources: { cpu: { quota: 50_000, period: 100_000 } } });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(shim(['run', b.dir]).code, 0);
  await waitState(b, (s) => s.status === 'running', 'running');
  const usageFile = fs.existsSync('/sys/fs/cgroup/cpuacct') ? path.join('/sys/fs/cgroup/cpuacct/tscompose', b.id, 'cpuacct.usage') : '';
  const usage = () => usageFile ? Number(fs.readFileSync(usageFile, 'utf8')) / 1e9
    : Number(/usage_usec (\d+)/.exec(fs.readFileSync(path.join('/sys/fs/cgroup/tscompose', b.id, 'cpu.stat'), 'utf8'))![1]) / 1e6;
  await new Promise((r) => setTimeout(r, 300));
  const u0 = usage(), t0 = performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  const ratio = (usage() - u0) / ((performance.now() - t0) / 1000);
  t.diagnostic(`cpu used by a busy loop under a 50% quota: ${(ratio * 100).toFixed(1)}%`);
  // the quota is a ceiling: on a loaded host the loop may get less, never more than 50% + 10%
  assert.ok(ratio <= 0.55, `at most 55% (measured ${(ratio * 100).toFixed(1)}%)`);
  assert.ok(ratio >= 0.3, `the loop ran (measured ${(ratio * 100).toFixed(1)}%)`);
  assert.equal(shim(['stop', b.dir, '0']).code, 0);
  assert.equal(readState(b)!.status, 'exited');
});

test('shim: read-only root, tmpfs, bind mount, user, rlimits, sysctls, cwd and env are observable', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const data = path.join(root, 'data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'hello.txt'), 'from the host\n');
  const { b, out, state } = await runToExit(root, rootfs, {
    args: ['sh', '-c', [
      'touch /rootfile 2>/dev/null && echo root=rw || echo root=ro',
      'touch /scratch/f && echo tmpfs=rw',
      'grep " /scratch " /proc/mounts',
      'cat /data/hello.txt',
      'touch /data/x 2>/dev/null && echo data=rw || echo data=ro',
      'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"',
      'grep CapEff /proc/self/status',
      'echo "nofile=$(ulimit -n) hard=$(ulimit -Hn)"',
      'echo "msgmax=$(cat /proc/sys/kernel/msgmax) forward=$(cat /proc/sys/net/ipv4/ip_forward)"',
      'echo "cwd=$(pwd)"',
      'echo "env=$GREETING"',
      'echo "host=$(hostname)"',
    ].join('; ')],
    readonlyRoot: true,
    user: { uid: 1000, gid: 1000, additionalGids: [65534] },
    cwd: '/work/dir',
    env: ['PATH=/bin:/usr/bin', 'GREETING=hello world'],
    hostname: 'resbox',
    mounts: [
      { destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m', 'mode=1777'] },
      { destination: '/data', type: 'bind', source: data, options: ['rbind', 'ro', 'rprivate'] },
    ],
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }],
    sysctl: { 'kernel.msgmax': '12345', 'net.ipv4.ip_forward': '1' },
    // the read-only root cannot get the cwd created later: the shim creates it before remounting
  });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(state.exitCode, 0, out + (state.error ?? ''));
  assert.match(out, /^root=ro$/m);
  assert.match(out, /^tmpfs=rw$/m);
  assert.match(out, /^tmpfs \/scratch tmpfs rw,nosuid,nodev,relatime,size=1024k/m);
  assert.match(out, /^from the host$/m);
  assert.match(out, /^data=ro$/m);
  assert.match(out, /^uid=1000 gid=1000 groups=1000 65534$/m);
  assert.match(out, /^CapEff:\s+0000000000000000$/m, 'a non-root user has no effective capabilities');
  assert.match(out, /^nofile=1024 hard=2048$/m);
  assert.match(out, /^msgmax=12345 forward=1$/m);
  assert.match(out, /^cwd=\/work\/dir$/m);
  assert.match(out, /^env=hello world$/m);
  assert.match(out, /^host=resbox$/m);
  assert.equal(fs.readFileSync('/proc/sys/kernel/msgmax', 'utf8').trim() === '12345', false, 'the sysctl stayed in the container');
});

test('shim: resource containers leave no mounts or cgroups behind', { skip: needsRoot }, () => {
  for (const b of made) assert.deepEqual(leftovers(b), []);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});
