/**
 * e2e (root): the shim's isolation defaults, driven through build/Release/tscompose-shim with hand-written
 * bundles: Docker's capabilities, seccomp semantics, masked paths, device cgroup, pid namespace; and that a
 * privileged config (all caps, no seccomp, no masks, all devices) lifts them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { destroy, leftovers, makeRootfs, makeTestRoot, repoRoot, runToExit, type Bundle } from './shim-fixture.js';
import { isMine } from './shim-fixture.js';

let root: string;
let rootfs: string;
const made: Bundle[] = [];

function setup(): void {
  if (root) return;
  root = makeTestRoot('shimsec');
  rootfs = makeRootfs(root);
  // a static probe for syscalls busybox has no applet for (keyctl, bpf, clone3 ...)
  execFileSync('gcc', ['-static', '-O2', '-o', path.join(rootfs, 'bin/probe'), path.join(repoRoot, 'test/runtime/fixtures/syscall-probe.c')]);
}

/** A block device this host can open (the root disk may be fenced off by the VM), as [major, minor]. */
function hostDisk(): [number, number] {
  for (const name of fs.readdirSync('/sys/block').sort((a, b) => Number(a.startsWith('loop')) - Number(b.startsWith('loop')))) {
    try {
      fs.closeSync(fs.openSync(`/dev/${name}`, 'r'));
    } catch { continue; }
    const [maj, min] = fs.readFileSync(`/sys/block/${name}/dev`, 'utf8').trim().split(':').map(Number);
    return [maj!, min!];
  }
  throw new Error('no block device on this host can be opened; the device-cgroup test needs one');
}

function probeMap(out: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of out.split('\n')) {
    const mm = /^(\w+) (\d+)$/.exec(line);
    if (mm) m.set(mm[1]!, Number(mm[2]));
  }
  return m;
}

const script = (disk: [number, number]) => [
  'grep -E "^(CapEff|CapBnd|CapPrm|Seccomp|NoNewPrivs):" /proc/self/status',
  'echo "pid1=$(cat /proc/1/cmdline | tr "\\0" " ")"',
  'echo "nproc=$(ls -d /proc/[0-9]* | wc -l)"',
  'echo "keys=$(cat /proc/keys 2>&1 | wc -c)"',
  'echo "timer_list=$(cat /proc/timer_list 2>&1 | wc -c)"',
  'echo "kcore=$(cat /proc/kcore 2>/dev/null | head -c 100 | wc -c)"',
  'echo "firmware=$(ls /sys/firmware 2>&1 | wc -l)"',
  'mount -t tmpfs none /root 2>/dev/null && echo mount=ok || echo mount=denied',
  'unshare -m true 2>/dev/null && echo unshare=ok || echo unshare=denied',
  `mknod /tmp/disk b ${disk[0]} ${disk[1]} && echo mknod=ok || echo mknod=denied`,
  'head -c 1 /tmp/disk >/dev/null 2>/tmp/err && echo open=ok || echo "open=$(cat /tmp/err)"',
  'grep -q " /proc/sys proc ro," /proc/mounts && echo procsys=ro || echo procsys=rw',
  '/bin/probe',
].join('; ');

test('shim: a default container has Docker\'s isolation', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const disk = hostDisk();
  const { b, out, state, run } = await runToExit(root, rootfs, { args: ['sh', '-c', script(disk)] });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(state.exitCode, 0, out);
  assert.match(out, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(out, /^CapBnd:\s+00000000a80425fb$/m);
  assert.match(out, /^CapPrm:\s+00000000a80425fb$/m);
  assert.match(out, /^Seccomp:\s+2$/m);
  assert.match(out, /^NoNewPrivs:\s+0$/m);
  assert.match(out, /^pid1=sh -c /m, 'the command is pid 1');
  // sh, the ls pipeline and its subshell: a handful, never the host's hundreds
  const nproc = Number(/^nproc=(\d+)$/m.exec(out)![1]);
  assert.ok(nproc > 0 && nproc < 8, `host processes are invisible (saw ${nproc})`);
  assert.match(out, /^keys=0$/m);
  assert.match(out, /^timer_list=0$/m);
  assert.match(out, /^kcore=0$/m);
  assert.match(out, /^firmware=0$/m);
  assert.match(out, /^mount=denied$/m);
  assert.match(out, /^unshare=denied$/m);
  assert.match(out, /^mknod=ok$/m, 'CAP_MKNOD is in the default set');
  assert.match(out, /^open=.*Operation not permitted/m, 'the device cgroup refuses the disk');
  assert.match(out, /^procsys=ro$/m);
  const p = probeMap(out);
  assert.equal(p.get('clone3'), 38, 'clone3 → ENOSYS so libcs fall back to clone');
  assert.equal(p.get('clone_newns'), 1, 'clone with namespace flags → EPERM');
  assert.equal(p.get('clone_plain'), 0, 'plain clone (fork) works');
  assert.equal(p.get('keyctl'), 1);
  assert.equal(p.get('bpf'), 1);
  assert.equal(p.get('perf_event_open'), 1);
  assert.equal(p.get('socket_vsock'), 1, 'AF_VSOCK sockets → EPERM');
  assert.equal(p.get('socket_unix'), 0);
  assert.equal(p.get('personality_query'), 0);
  assert.equal(p.get('personality_addr_no_randomize'), 1);
  assert.equal(p.get('unshare_net'), 1);
  assert.equal(p.get('nr_1000'), 38, 'syscalls unknown to the filter → ENOSYS');
});

test('shim: noNewPrivileges sets NoNewPrivs 1', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  const { b, out, state } = await runToExit(root, rootfs, { args: ['grep', 'NoNewPrivs', '/proc/self/status'], noNewPrivileges: true });
  t.after(() => destroy(b));
  assert.equal(state.exitCode, 0);
  assert.match(out, /^NoNewPrivs:\s+1$/m);
});

test('shim: a privileged config lifts caps, seccomp, masks and the device cgroup', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const disk = hostDisk();
  const { b, out, state } = await runToExit(root, rootfs, { args: ['sh', '-c', script(disk)], privileged: true });
  t.after(() => destroy(b));
  assert.equal(state.exitCode, 0, out);
  const hostEff = /^CapEff:\s+(\w+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
  assert.match(out, new RegExp(`^CapEff:\\s+${hostEff}$`, 'm'), 'every capability the host has');
  assert.match(out, /^Seccomp:\s+0$/m);
  assert.ok(Number(/^timer_list=(\d+)$/m.exec(out)![1]) > 0, '/proc/timer_list is not masked');
  assert.match(out, /^mount=ok$/m);
  assert.match(out, /^unshare=ok$/m);
  assert.match(out, /^open=ok$/m, 'the disk opens: devices allowed');
  const p = probeMap(out);
  assert.equal(p.get('keyctl'), 0);
  assert.equal(p.get('clone3'), 22, 'clone3 reaches the kernel (EINVAL for a NULL argument)');
});

test('shim: containers leave no mounts or cgroups behind', { skip: needsRoot }, () => {
  for (const b of made) assert.deepEqual(leftovers(b), []);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});
