/**
 * e2e (root): `tscompose-shim exec` (namespaces, cgroup, caps, seccomp, user, env, cwd, exit code, -t under
 * a real pty with resize) and health checks run through it (starting → healthy → unhealthy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import pty from '@lydell/node-pty';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { destroy, isMine, leftovers, makeBundle, makeRootfs, makeTestRoot, readState, shim, shimAsync, shimBin, waitExited, waitFor, waitState, type Bundle } from './shim-fixture.js';

let root = '';
let rootfs = '';
const made: Bundle[] = [];
function setup(): void {
  if (root) return;
  root = makeTestRoot('shimexec');
  rootfs = makeRootfs(root);
}

test('shim exec: joins the container with its user, caps, seccomp, cgroup; passes the exit code', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const b = makeBundle(root, rootfs, { args: ['sleep', '100'], env: ['PATH=/bin', 'FROM_IMAGE=yes'], hostname: 'execbox' });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(shim(['run', b.dir]).code, 0);
  const r = await shimAsync(['exec', b.dir, '-e', 'EXTRA=1', '--', 'sh', '-c',
    'echo "env=$FROM_IMAGE$EXTRA host=$(hostname) pid1=$(cat /proc/1/comm)"; grep -E "^(CapEff|Seccomp):" /proc/self/status; cat /proc/self/cgroup | grep pids; exit 7']);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stdout, /^env=yes1 host=execbox pid1=sleep$/m);
  assert.match(r.stdout, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(r.stdout, /^Seccomp:\s+2$/m);
  assert.match(r.stdout, /pids:\/$/m, 'inside the container\'s cgroup namespace, at its root');
  const u = await shimAsync(['exec', b.dir, '-u', '1000:1000', '-w', '/tmp', '--', 'sh', '-c', 'echo "$(id -u):$(id -g) $(pwd)"; grep CapEff /proc/self/status']);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /^1000:1000 \/tmp$/m);
  assert.match(u.stdout, /^CapEff:\s+0{16}$/m);
  const p = await shimAsync(['exec', b.dir, '--privileged', '--', 'grep', 'Seccomp:', '/proc/self/status']);
  assert.match(p.stdout, /^Seccomp:\s+0$/m);
  const missing = await shimAsync(['exec', b.dir, '--', 'no-such-cmd']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /executable file not found/);
  // the helper stays outside the pid namespace (setns(pid) applies to its children): invisible inside
  const ppid = await shimAsync(['exec', b.dir, '--', 'sh', '-c', 'echo "ppid=$PPID"; ls /proc | grep -c "^[0-9]"']);
  assert.match(ppid.stdout, /^ppid=0$/m);
  assert.equal(shim(['stop', b.dir, '0']).code, 0);
  const s = await waitExited(b);
  assert.equal(s.exitCode, 137);
});

test('shim exec -t: a terminal inside the container, sized and resized from the caller\'s pty', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const b = makeBundle(root, rootfs, { args: ['sleep', '100'] });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(shim(['run', b.dir]).code, 0);
  const term = pty.spawn(shimBin, ['exec', b.dir, '-t', '-i', '--', 'sh', '-c', 'tty; stty size; read line; stty size; echo "got=$line"'], {
    name: 'xterm', cols: 100, rows: 30, env: process.env as Record<string, string>,
  });
  let out = '';
  term.onData((d) => (out += d));
  const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
  await waitFor('the first size', () => /30 100/.test(out));
  assert.match(out, /\/dev\/pts\/\d+/);
  term.resize(120, 40);
  // give the SIGWINCH relay a moment by polling the exec helper, then answer the read
  await new Promise((r) => setTimeout(r, 300));
  term.write('hello\r');
  assert.equal(await exited, 0);
  assert.match(out, /40 120/, 'the resize reached the process');
  assert.match(out, /got=hello/);
  assert.equal(shim(['kill', b.dir, '9']).code, 0);
  await waitExited(b);
});

test('shim health: starting → healthy → unhealthy as the check changes', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const b = makeBundle(root, rootfs, {
    args: ['sh', '-c', 'sleep 1; touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 100'],
    shim: { health: { test: ['CMD-SHELL', 'test -f /tmp/healthy && echo fine'], intervalMs: 200, timeoutMs: 5000, retries: 2, startPeriodMs: 0, startIntervalMs: 200 } },
  });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(shim(['run', b.dir]).code, 0);
  const seen: string[] = [];
  const s1 = readState(b)!;
  seen.push(s1.health!.status);
  const healthy = await waitState(b, (s) => s.health?.status === 'healthy', 'healthy');
  assert.equal(healthy.health!.log.at(-1)!.exitCode, 0);
  assert.equal(healthy.health!.log.at(-1)!.output, 'fine\n');
  const unhealthy = await waitState(b, (s) => s.health?.status === 'unhealthy', 'unhealthy');
  assert.equal(unhealthy.health!.failingStreak >= 2, true);
  assert.ok(unhealthy.health!.log.length <= 5, 'keeps the last 5 results');
  assert.equal(seen[0], 'starting');
  assert.equal(shim(['kill', b.dir, '9']).code, 0);
  await waitExited(b);
});

test('shim exec: leaves no mounts or cgroups behind', { skip: needsRoot }, () => {
  for (const b of made) assert.deepEqual(leftovers(b), []);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});
