/**
 * runtime/container through the real shim (root): create/start/stop/kill/wait/logs/exec/remove/list/inspect,
 * stop signal + grace period, pause, top/stats/cp, a failed create leaving nothing, and recovery after the
 * shim is killed with -9. Each test owns its containers (unique names) and a leak check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { containerBed, eventually } from './container-bed.js';

const { rt, testRoot, leakOpts, spec, owned, collectLogs } = await containerBed('container-lifecycle', 'ctest');
type ContainerSpec = import('../../runtime/index.js').ContainerSpec;



test('a container runs to completion: logs, exit code, list by labels, inspect, remove leaves nothing', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { env: ['GREETING=hi'] }));
  await rt.createContainer(s);
  assert.equal(rt.inspectContainer(s.name).State && (rt.inspectContainer(s.name).State as { Status: string }).Status, 'created');
  await rt.startContainer(s.name);
  const res = await rt.waitContainer(s.name, { timeoutMs: 30_000 });
  assert.equal(res.exitCode, 3);
  assert.equal(await collectLogs(s.name), 'out\nerr\n');
  const streams: string[] = [];
  for await (const e of rt.readLogs(s.name, { stdout: false })) streams.push(e.stream);
  assert.deepEqual(streams, ['stderr']);
  const listed = rt.listContainers({ labels: [`test.id=${s.id}`] });
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.status, 'exited');
  const info = rt.inspectContainer(s.id.slice(0, 12)) as { Name: string; State: { ExitCode: number; Running: boolean; FinishedAt: string }; Config: { Env: string[] } };
  assert.equal(info.Name, `/${s.name}`);
  assert.equal(info.State.ExitCode, 3);
  assert.equal(info.State.Running, false);
  assert.ok(info.Config.Env.includes('GREETING=hi'));
  await rt.removeContainer(s.name);
  assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
  assert.equal(rt.listContainers({ labels: [`test.id=${s.id}`] }).length, 0);
});

test('the default container looks like docker: pid 1, CapEff a80425fb, seccomp filter, NoNewPrivs 0, hostname', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'echo pid=$$; grep -E "^(CapEff|Seccomp|NoNewPrivs):" /proc/self/status; hostname; cat /etc/resolv.conf | head -1']));
  await rt.createContainer(s, { start: true });
  assert.equal((await rt.waitContainer(s.id, { timeoutMs: 30_000 })).exitCode, 0);
  const out = await collectLogs(s.id);
  assert.match(out, /^pid=1$/m);
  assert.match(out, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(out, /^Seccomp:\s+2$/m);
  assert.match(out, /^NoNewPrivs:\s+0$/m);
  assert.match(out, new RegExp(`^${s.id.slice(0, 12)}$`, 'm'));
  assert.match(out, /^nameserver 127\.0\.0\.1$/m);
});

test('stop sends the stop signal, then SIGKILL after the grace period (exit 137); a trapped signal exits cleanly', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  // pid 1 without a handler ignores SIGTERM: only the SIGKILL after the grace period ends it
  const stubborn = owned(guard, spec(['sleep', '1000'], { stopGracePeriodMs: 700 }));
  await rt.createContainer(stubborn, { start: true });
  const t0 = Date.now();
  await rt.stopContainer(stubborn.id);
  const took = Date.now() - t0;
  const r1 = await rt.waitContainer(stubborn.id, { timeoutMs: 10_000 });
  assert.equal(r1.exitCode, 137);
  assert.ok(took >= 600, `stop returned after ${took} ms, before the grace period`);

  const polite = owned(guard, spec(['sh', '-c', 'trap "echo got USR1; exit 0" USR1; echo ready; while :; do sleep 0.05; done'], { stopSignal: 'SIGUSR1' }));
  await rt.createContainer(polite, { start: true });
  await eventually('the trap to be installed', () => fs.existsSync(path.join(rt.paths().containers, polite.id, `${polite.id}-json.log`)) && fs.readFileSync(path.join(rt.paths().containers, polite.id, `${polite.id}-json.log`), 'utf8').includes('ready'));
  await rt.stopContainer(polite.name, { timeoutMs: 10_000 });
  assert.equal((await rt.waitContainer(polite.name, { timeoutMs: 10_000 })).exitCode, 0);
  assert.match(await collectLogs(polite.name), /got USR1/);
  // an explicit stop never restarts, and stopping an exited container is a no-op
  await rt.stopContainer(polite.name);
  assert.equal(rt.listContainers({ labels: [`test.id=${polite.id}`] })[0]!.status, 'exited');
});

test('kill delivers the signal: SIGKILL gives 137 with signal 9; start runs an exited container again', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'echo run; sleep 1000']));
  await rt.createContainer(s, { start: true });
  await rt.killContainer(s.name, 'KILL');
  const r = await rt.waitContainer(s.name, { timeoutMs: 10_000 });
  assert.equal(r.exitCode, 137);
  assert.equal(r.signal, 9);
  await assert.rejects(rt.killContainer(s.name), /kill container "ctest-[0-9a-f]+": the container is not running/);
  await rt.startContainer(s.name);
  await eventually('the second run to log', () => fs.readFileSync(path.join(rt.paths().containers, s.id, `${s.id}-json.log`), 'utf8').split('run').length === 3);
  await assert.rejects(rt.removeContainer(s.name), /remove container "ctest-[0-9a-f]+": the container is running/);
  await rt.removeContainer(s.name, { force: true });
  assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
});

test('exec runs in the container with its exit code, env, user and working dir', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sleep', '1000']));
  await rt.createContainer(s, { start: true });
  const a = await rt.execCapture(s.name, ['sh', '-c', 'echo $FOO; id -u; pwd; cat /proc/1/cmdline | tr "\\0" " "; exit 4'], { env: ['FOO=bar'], user: '1000:1000', workingDir: '/tmp' });
  assert.equal(a.exitCode, 4);
  assert.equal(a.stdout, 'bar\n1000\n/tmp\nsleep 1000 ');
  const top = rt.topContainer(s.name);
  assert.ok(top.some((p) => p.cmd === 'sleep 1000'), JSON.stringify(top));
  const st = rt.statsContainer(s.name);
  assert.ok(st.pids >= 1 && st.memoryBytes > 0, JSON.stringify(st));
});

test('cp copies in and out through the container root; links cannot point the copy at the host', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'ln -s /etc /tmp/hostetc; echo inside > /tmp/file; echo ready; sleep 1000']));
  await rt.createContainer(s, { start: true });
  const log = path.join(rt.paths().containers, s.id, `${s.id}-json.log`);
  await eventually('setup inside the container', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('ready'));
  const host = fs.mkdtempSync(path.join(testRoot, 'cp-'));
  rt.copyFromContainer(s.name, '/tmp/file', path.join(host, 'got'));
  assert.equal(fs.readFileSync(path.join(host, 'got'), 'utf8'), 'inside\n');
  fs.writeFileSync(path.join(host, 'payload'), 'from host\n');
  rt.copyToContainer(s.name, path.join(host, 'payload'), '/tmp/hostetc/');
  // /tmp/hostetc -> /etc inside the container: the file lands in the container's /etc, not the host's
  assert.equal(fs.existsSync('/etc/payload'), false);
  const r = await rt.execCapture(s.name, ['cat', '/etc/payload']);
  assert.equal(r.stdout, 'from host\n');
});

test('pause freezes the container and unpause thaws it', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sleep', '1000']));
  await rt.createContainer(s, { start: true });
  await rt.pauseContainer(s.name);
  assert.equal(rt.listContainers({ labels: [`test.id=${s.id}`] })[0]!.status, 'paused');
  assert.equal((rt.inspectContainer(s.name) as { State: { Paused: boolean } }).State.Paused, true);
  await rt.unpauseContainer(s.name);
  assert.equal(rt.listContainers({ labels: [`test.id=${s.id}`] })[0]!.status, 'running');
  await rt.stopContainer(s.name, { timeoutMs: 100 });
});

test('a failed create names the container and the cause and leaves nothing behind', { skip: needsRoot }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const bad = spec(['true'], { user: 'ghost' });
  await assert.rejects(rt.createContainer(bad), (e: Error) => e.message === `create container "${bad.name}": unable to find user ghost: no matching entries in passwd file`);
  const missing = spec(['/no/such/binary']);
  await assert.rejects(rt.createContainer(missing, { start: true }), new RegExp(`create container "${missing.name}": .*no/such/binary`));
  for (const s of [bad, missing]) assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
  const dup = spec(['true']);
  await rt.createContainer(dup);
  try {
    await assert.rejects(rt.createContainer({ ...spec(['true']), name: dup.name }), /the name is already in use/);
  } finally {
    await rt.removeContainer(dup.id, { force: true });
  }
});

test('kill -9 of the shim: the container is killed, marked exited at the next command, and remove cleans up', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sleep', '1000']));
  await rt.createContainer(s, { start: true });
  const before = rt.listContainers({ labels: [`test.id=${s.id}`] })[0]!.state!;
  assert.equal(before.status, 'running');
  process.kill(before.shimPid, 'SIGKILL');
  await eventually('the shim to be gone', () => !fs.existsSync(`/proc/${before.shimPid}/stat`) || fs.readFileSync(`/proc/${before.shimPid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'));
  const after = rt.listContainers({ labels: [`test.id=${s.id}`] })[0]!;
  assert.equal(after.status, 'exited');
  assert.equal(after.state!.exitCode, 137);
  await eventually('the container process to be gone', () => !fs.existsSync(`/proc/${before.pid}/stat`) || fs.readFileSync(`/proc/${before.pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'));
  assert.equal((await rt.waitContainer(s.id, { timeoutMs: 5000 })).exitCode, 137);
  await rt.removeContainer(s.id);
  assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
});

test('logs follow new lines until the container exits', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; sleep 0.1; done']));
  await rt.createContainer(s, { start: true });
  const lines: string[] = [];
  for await (const e of rt.readLogs(s.name, { follow: true, pollMs: 20 })) lines.push(e.log.trim());
  assert.deepEqual(lines, ['line1', 'line2', 'line3', 'line4', 'line5']);
  const tail: string[] = [];
  for await (const e of rt.readLogs(s.name, { tail: 2 })) tail.push(e.log.trim());
  assert.deepEqual(tail, ['line4', 'line5']);
});

test('a tty container is attached through the shim: input reaches it, a resize reaches its terminal', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'read line; echo "got:$line"; stty size; sleep 0.3'], { tty: true, stdinOpen: true }));
  await rt.createContainer(s, { start: true });
  const conn = await rt.attachContainer(s.name);
  let seen = '';
  conn.on('data', (d: Buffer) => (seen += d.toString('utf8')));
  conn.resume();
  await rt.resizeContainer(s.name, 31, 101);
  conn.write('hello\n');
  await eventually('the echo and the terminal size', () => seen.includes('got:hello') && /31 101/.test(seen));
  conn.destroy();
  assert.equal((await rt.waitContainer(s.name, { timeoutMs: 10_000 })).exitCode, 0);
  await assert.rejects(rt.attachContainer(s.name), /the container is exited/);
});

// runc as a second opinion: test/runtime/shim-runc.test.ts runs the same config.json under `runc run`, and
// test/runtime/container-runc.test.ts runs the lifecycle with `runtime: runc` side by side with the shim.
test('the shim runs the probe as docker would; an unknown runtime is refused clearly and leaves nothing', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const probe = ['sh', '-c', 'echo pid=$$; grep -E "^(CapEff|CapBnd|Seccomp):" /proc/self/status; id -u; exit 5'];
  const s = owned(guard, spec(probe, { runtime: 'shim', user: '1000' }));
  await rt.createContainer(s, { start: true });
  assert.equal((await rt.waitContainer(s.id, { timeoutMs: 30_000 })).exitCode, 5);
  // a non-root user keeps the bounding set but no effective capabilities, as in docker
  assert.match(await collectLogs(s.id), /^pid=1\nCapEff:\s+0{16}\nCapBnd:\s+00000000a80425fb\nSeccomp:\s+2\n1000\n$/);
  const r = owned(guard, spec(probe, { runtime: 'gvisor' as never }));
  await assert.rejects(rt.createContainer(r, { start: true }), new RegExp(`create container "${r.name}": unknown runtime "gvisor"`));
  assert.equal(rt.listContainers({ all: true }).some((c) => c.id === r.id), false);
});
