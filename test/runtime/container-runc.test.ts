/**
 * e2e (root, where Debian's runc is installed): `runtime: runc` through the lifecycle API. runc creates the
 * container from the same config.json, the shim stays its monitor. Every scenario runs on both runtimes and
 * must give the same observable results (and the docker ones): isolation, logs, exit codes 0/3/137/143,
 * exec, pause, OOM (137 + OOMKilled), restart on-failure, a terminal, and kill -9 of the shim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { containerBed, eventually } from './container-bed.js';

type ContainerSpec = import('../../runtime/index.js').ContainerSpec;
type Runtime = 'shim' | 'runc';

const haveRunc = spawnSync('runc', ['--version']).status === 0;
const skip = needsRoot || (haveRunc ? false : 'runc is not installed');
const { rt, leakOpts, spec, owned, collectLogs } = await containerBed('container-runc', 'crunc');
const RUNTIMES: Runtime[] = ['shim', 'runc'];

const logFile = (s: ContainerSpec) => path.join(rt.paths().containers, s.id, `${s.id}-json.log`);
const logHas = (s: ContainerSpec, text: string) => fs.existsSync(logFile(s)) && fs.readFileSync(logFile(s), 'utf8').includes(text);
const gone = (pid: number) => !fs.existsSync(`/proc/${pid}/stat`) || /\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** Runs the scenario once per runtime; the results must be equal (and are returned for absolute checks). */
async function onBoth<T>(scenario: (runtime: Runtime) => Promise<T>): Promise<Record<Runtime, T>> {
  const out = {} as Record<Runtime, T>;
  for (const r of RUNTIMES) out[r] = await scenario(r);
  assert.deepEqual(out.runc, out.shim, 'runc and the shim must give the same observable results');
  return out;
}

const probe = [
  'echo pid=$$',
  'grep -E "^(CapEff|CapBnd|Seccomp|NoNewPrivs):" /proc/self/status',
  'echo "keys=$(cat /proc/keys 2>/dev/null | wc -c) kcore=$(cat /proc/kcore 2>/dev/null | wc -c)"',
  'mount -t tmpfs none /mnt 2>/dev/null && echo mount=ok || echo mount=denied',
  'echo "host=$(hostname) cwd=$(pwd) user=$(id -u):$(id -g) env=$GREETING"',
  'echo "pid1=$(cat /proc/1/comm) highpids=$(ls /proc | grep -cE "^[0-9]{3,}$")"',
  'echo out; echo err >&2; exit 3',
].join('; ');

test('runc and the shim: isolation, logs, exit code, exec, top, stats, pause, stop, kill, remove', { skip, timeout: 300_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const r = await onBoth(async (runtime) => {
    const s = owned(guard, spec(['sh', '-c', probe], { runtime, env: ['GREETING=hi'], hostname: 'same', workingDir: '/tmp' }));
    const meta = await rt.createContainer(s);
    assert.equal(meta.id, s.id);
    const created = rt.listContainers({ labels: [`test.id=${s.id}`], all: true })[0]!;
    assert.equal(created.status, 'created');
    assert.ok(created.state!.pid > 0, 'a created container has its process (waiting for start)');
    await rt.startContainer(s.id);
    const res = await rt.waitContainer(s.id, { timeoutMs: 60_000 });
    const logs = await collectLogs(s.id);
    const stderr: string[] = [];
    for await (const e of rt.readLogs(s.id, { stdout: false })) stderr.push(e.log);
    const info = rt.inspectContainer(s.id) as { State: { ExitCode: number; Running: boolean } };

    // a long-running one: exec, top, stats, pause, then stop (pid 1 ignores SIGTERM: 137 after the grace period)
    const l = owned(guard, spec(['sleep', '1000'], { runtime, stopGracePeriodMs: 500 }));
    await rt.createContainer(l, { start: true });
    const ex = await rt.execCapture(l.id, ['sh', '-c', 'echo $FOO; id -u; pwd; cat /proc/1/cmdline | tr "\\0" " "; exit 4'], { env: ['FOO=bar'], user: '1000:1000', workingDir: '/tmp' });
    const missing = await rt.execCapture(l.id, ['no-such-command']);
    const top = rt.topContainer(l.id).map((p) => p.cmd);
    const stats = rt.statsContainer(l.id);
    await rt.pauseContainer(l.id);
    const paused = rt.listContainers({ labels: [`test.id=${l.id}`] })[0]!.status;
    await rt.unpauseContainer(l.id);
    const unpaused = rt.listContainers({ labels: [`test.id=${l.id}`] })[0]!.status;
    const t0 = Date.now();
    await rt.stopContainer(l.id);
    const stopTook = Date.now() - t0;
    const stopped = await rt.waitContainer(l.id, { timeoutMs: 10_000 });

    // a shell that dies of SIGTERM (143), and kill -s KILL (137 with signal 9)
    const term = owned(guard, spec(['sh', '-c', 'trap - TERM; sleep 100 & kill -TERM $!; wait $!'], { runtime }));
    await rt.createContainer(term, { start: true });
    const termed = await rt.waitContainer(term.id, { timeoutMs: 30_000 });
    const k = owned(guard, spec(['sh', '-c', 'echo run; sleep 1000'], { runtime }));
    await rt.createContainer(k, { start: true });
    await rt.killContainer(k.id, 'KILL');
    const killed = await rt.waitContainer(k.id, { timeoutMs: 10_000 });
    // started again after the exit: a fresh process
    await rt.startContainer(k.id);
    await eventually('the second run to log', () => fs.readFileSync(logFile(k), 'utf8').split('run').length === 3);
    await assert.rejects(rt.removeContainer(k.id), /the container is running/);
    await rt.removeContainer(k.id, { force: true });
    for (const c of [s, l, term]) await rt.removeContainer(c.id);
    const leftovers = [s, l, term, k].filter((c) => fs.existsSync(path.join(rt.paths().containers, c.id))).length;

    return {
      res: { ...res }, logs, stderr, exitInInspect: info.State.ExitCode, running: info.State.Running,
      exec: ex, missingExit: missing.exitCode, sleepInTop: top.includes('sleep 1000'), statsSane: stats.pids >= 1 && stats.memoryBytes > 0,
      paused, unpaused, stopWaited: stopTook >= 400, stopped: stopped.exitCode, stopSignal: stopped.signal,
      termed: termed.exitCode, killed: killed.exitCode, killSignal: killed.signal, leftovers,
    };
  });
  const x = r.runc;
  assert.equal(x.res.exitCode, 3);
  assert.match(x.logs, /^pid=1$/m);
  assert.match(x.logs, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(x.logs, /^Seccomp:\s+2$/m);
  assert.match(x.logs, /^NoNewPrivs:\s+0$/m);
  assert.match(x.logs, /^keys=0 kcore=0$/m);
  assert.match(x.logs, /^mount=denied$/m);
  assert.match(x.logs, /^host=same cwd=\/tmp user=0:0 env=hi$/m);
  assert.match(x.logs, /^pid1=sh highpids=0$/m, 'host processes are invisible');
  assert.match(x.logs, /out\nerr\n$/);
  assert.deepEqual(x.stderr, ['err\n']);
  assert.equal(x.exitInInspect, 3);
  assert.deepEqual(x.exec, { exitCode: 4, stdout: 'bar\n1000\n/tmp\nsleep 1000 ', stderr: '' });
  assert.equal(x.missingExit, 127);
  assert.equal(x.sleepInTop, true);
  assert.equal(x.statsSane, true);
  assert.equal(x.paused, 'paused');
  assert.equal(x.unpaused, 'running');
  assert.equal(x.stopWaited, true);
  assert.equal(x.stopped, 137);
  assert.equal(x.termed, 143);
  assert.equal(x.killed, 137);
  assert.equal(x.killSignal, 9);
  assert.equal(x.leftovers, 0);
});

test('runc and the shim: mem_limit OOM (137 + OOMKilled), restart on-failure:2 with backoff, a terminal, health checks, init', { skip, timeout: 300_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const r = await onBoth(async (runtime) => {
    // tail holds its whole input when there is no newline: it grows until the limit kills it
    const hog = owned(guard, spec(['sh', '-c', 'head -c 300m /dev/zero | tail; exit $?'], { runtime, memLimit: 32 * 1024 * 1024, memswapLimit: 64 * 1024 * 1024 }));
    await rt.createContainer(hog, { start: true });
    const oom = await rt.waitContainer(hog.id, { timeoutMs: 60_000 });
    const oomInspect = (rt.inspectContainer(hog.id) as { State: { OOMKilled: boolean } }).State.OOMKilled;

    // each run prints its network namespace: a restart comes back into the same one (attached interfaces survive)
    const flaky = owned(guard, spec(['sh', '-c', 'echo "try $(readlink /proc/self/ns/net)"; exit 2'], { runtime, restart: { policy: 'on-failure', maxRetries: 2 } }));
    const t0 = Date.now();
    await rt.createContainer(flaky, { start: true });
    const flakyEnd = await rt.waitContainer(flaky.id, { timeoutMs: 60_000 });
    const took = Date.now() - t0;
    const flakyState = rt.listContainers({ labels: [`test.id=${flaky.id}`], all: true })[0]!.state!;
    const tryLines = (await collectLogs(flaky.id)).split('\n').filter((l) => l.startsWith('try net:['));
    const tries = tryLines.length;
    const sameNetns = new Set(tryLines).size === 1;

    const tty = owned(guard, spec(['sh', '-c', 'read line; echo "got:$line"; stty size; sleep 0.3'], { runtime, tty: true, stdinOpen: true }));
    await rt.createContainer(tty, { start: true });
    const conn = await rt.attachContainer(tty.id);
    let seen = '';
    conn.on('data', (d: Buffer) => (seen += d.toString('utf8')));
    conn.resume();
    await rt.resizeContainer(tty.id, 31, 101);
    conn.write('hello\n');
    await eventually('the echo and the terminal size', () => seen.includes('got:hello') && /31 101/.test(seen));
    conn.destroy();
    const ttyEnd = await rt.waitContainer(tty.id, { timeoutMs: 10_000 });
    // a health check runs through the exec path into the container: starting → healthy → unhealthy
    const hc = owned(guard, spec(['sh', '-c', 'touch /tmp/ok; exec sleep 1000'], {
      runtime, stopGracePeriodMs: 0,
      healthcheck: { test: ['CMD-SHELL', 'test -f /tmp/ok'], intervalMs: 200, timeoutMs: 5000, retries: 1, startPeriodMs: 0, startIntervalMs: 200 },
    }));
    await rt.createContainer(hc, { start: true });
    const healthOf = () => rt.listContainers({ labels: [`test.id=${hc.id}`] })[0]?.state?.health?.status;
    const health = [healthOf() ?? 'none'];
    health.push(await eventually('healthy', () => healthOf() === 'healthy' && 'healthy', 30_000));
    assert.equal((await rt.execCapture(hc.id, ['rm', '/tmp/ok'])).exitCode, 0);
    health.push(await eventually('unhealthy', () => healthOf() === 'unhealthy' && 'unhealthy', 30_000));
    await rt.stopContainer(hc.id);

    // init: true — a small init is pid 1, the command gets the stop signal and dies of it (143), orphans are reaped
    const withInit = owned(guard, spec(['sh', '-c', '(sleep 1000 &); echo started; exec sleep 1000'], { runtime, init: true }));
    await rt.createContainer(withInit, { start: true });
    await eventually('the command to run', () => logHas(withInit, 'started'));
    const pid1IsNotTheCommand = (await rt.execCapture(withInit.id, ['sh', '-c', 'test "$(cat /proc/1/comm)" != sleep && echo init-is-pid-1'])).stdout;
    await rt.stopContainer(withInit.id, { timeoutMs: 10_000 });
    const initEnd = await rt.waitContainer(withInit.id, { timeoutMs: 10_000 });
    for (const c of [hog, flaky, tty, hc, withInit]) await rt.removeContainer(c.id);
    return {
      oom: oom.exitCode, oomKilled: oom.oomKilled, oomInspect,
      flaky: flakyEnd.exitCode, restarts: flakyState.restartCount, backoff: took >= 250, tries, sameNetns,
      tty: ttyEnd.exitCode, health, init: [pid1IsNotTheCommand, initEnd.exitCode],
    };
  });
  assert.deepEqual(r.runc, { oom: 137, oomKilled: true, oomInspect: true, flaky: 2, restarts: 2, backoff: true, tries: 3, sameNetns: true, tty: 0, health: ['starting', 'healthy', 'unhealthy'], init: ['init-is-pid-1\n', 143] });
});

test('runc: kill -9 of the shim kills the container, marks it exited at the next command, remove leaves nothing', { skip, timeout: 300_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sleep', '1000'], { runtime: 'runc' }));
  await rt.createContainer(s, { start: true });
  const before = rt.listContainers({ labels: [`test.id=${s.id}`] })[0]!.state!;
  assert.equal(before.status, 'running');
  process.kill(before.shimPid, 'SIGKILL');
  await eventually('the shim to be gone', () => gone(before.shimPid));
  const after = rt.listContainers({ labels: [`test.id=${s.id}`] })[0]!;
  assert.equal(after.status, 'exited');
  assert.equal(after.state!.exitCode, 137);
  await eventually('the container process to be gone', () => gone(before.pid));
  assert.equal((await rt.waitContainer(s.id, { timeoutMs: 5000 })).exitCode, 137);
  await rt.removeContainer(s.id);
  assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
  // runc's cgroups in every hierarchy went with it (the leak check looks at the tscompose ones too)
  const hierarchies = fs.readdirSync('/sys/fs/cgroup');
  assert.deepEqual(hierarchies.filter((h) => fs.existsSync(path.join('/sys/fs/cgroup', h, 'tscompose', s.id))), []);
});

test('runc: a missing command fails create with runc\'s reason and leaves nothing; an unknown runtime is refused', { skip, timeout: 120_000 }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const missing = spec(['/no/such/binary'], { runtime: 'runc' });
  await assert.rejects(rt.createContainer(missing, { start: true }), new RegExp(`create container "${missing.name}": .*runc create failed: .*no/such/binary`));
  assert.equal(fs.existsSync(path.join(rt.paths().containers, missing.id)), false);
  const kata = spec(['true'], { runtime: 'kata' as never });
  await assert.rejects(rt.createContainer(kata), new RegExp(`create container "${kata.name}": unknown runtime "kata" \\(known: shim, runc\\)`));
  assert.equal(fs.existsSync(path.join(rt.paths().containers, kata.id)), false);
});
