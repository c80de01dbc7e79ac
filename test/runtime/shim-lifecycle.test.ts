/**
 * e2e (root): the shim as monitor: create/start, state.json, exit codes as docker reports them, json-file
 * logs written while no CLI runs and rotated, restart policies with backoff, explicit stop, pause, kill -9
 * of the shim, init mode, and create failures that leave nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import {
  destroy, leftovers, logText, makeBundle, makeRootfs, makeTestRoot, processAlive, readLog, readState, runToExit, shim,
  waitExited, waitFor, waitState, type Bundle,
} from './shim-fixture.js';
import { isMine } from './shim-fixture.js';

let root = '';
let rootfs = '';
const made: Bundle[] = [];
function setup(): void {
  if (root) return;
  root = makeTestRoot('shimlife');
  rootfs = makeRootfs(root);
}
const mine = (e: string) => isMine(e, root);
const RFC3339NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

function track(b: Bundle, t: { after: (fn: () => void) => void }): Bundle {
  made.push(b);
  t.after(() => destroy(b));
  return b;
}

test('shim: create waits, start runs, logs are written after the CLI is gone', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = track(makeBundle(root, rootfs, { args: ['sh', '-c', 'echo one; echo oops >&2; sleep 0.5; printf "two\\nno-newline"'] }), t);
  const c = shim(['create', b.dir]);
  assert.equal(c.code, 0, c.stderr);
  const created = readState(b)!;
  assert.equal(created.status, 'created');
  assert.ok(processAlive(created.pid), 'the container process exists');
  assert.ok(processAlive(created.shimPid), 'the shim stays behind the CLI');
  assert.equal(created.startedAt, null);
  assert.equal(logText(b), '', 'the command has not run yet');
  assert.equal(shim(['start', b.dir]).code, 0);
  const running = readState(b)!;
  assert.equal(running.status, 'running');
  assert.match(running.startedAt!, RFC3339NANO);
  const done = await waitExited(b);
  assert.equal(done.exitCode, 0);
  assert.equal(done.signal, null);
  assert.match(done.finishedAt!, RFC3339NANO);
  const lines = readLog(b);
  // order within a stream is kept; across stdout and stderr it is not (two pipes), as in docker
  assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.log), ['one\n', 'two\n', 'no-newline']);
  assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.log), ['oops\n']);
  for (const l of lines) assert.match(l.time, RFC3339NANO);
  assert.deepEqual(leftovers(b), []);
  assert.equal(fs.existsSync(path.join(b.dir, 'ctl.sock')), false, 'the socket goes with the shim');
});

test('shim: exit codes and signals as docker reports them', { skip: needsRoot, timeout: 90_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const three = await runToExit(root, rootfs, { args: ['sh', '-c', 'exit 3'] });
  track(three.b, t);
  assert.equal(three.state.exitCode, 3);

  // pid 1 without a handler ignores SIGTERM: stop escalates to SIGKILL after the timeout → 137
  const sleeper = track(makeBundle(root, rootfs, { args: ['sleep', '100'] }), t);
  assert.equal(shim(['run', sleeper.dir]).code, 0);
  const t0 = Date.now();
  const stop = shim(['stop', sleeper.dir, '300']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /"exitCode":137/);
  assert.ok(Date.now() - t0 >= 290, 'waited for the grace period');
  const killed = readState(sleeper)!;
  assert.equal(killed.exitCode, 137);
  assert.equal(killed.signal, 9);
  assert.equal(killed.stopRequested, true);

  // with init: true the command gets the SIGTERM and dies of it → 143
  const withInit = track(makeBundle(root, rootfs, { args: ['sleep', '100'], shim: { init: true } }), t);
  assert.equal(shim(['run', withInit.dir]).code, 0);
  assert.equal(shim(['stop', withInit.dir, '10000']).code, 0);
  assert.equal(readState(withInit)!.exitCode, 143);

  // a shell that kills itself with TERM
  const self = await runToExit(root, rootfs, { args: ['sh', '-c', 'trap - TERM; sleep 100 & kill -TERM $!; wait $!'] });
  track(self.b, t);
  assert.equal(self.state.exitCode, 143);
});

test('shim: a container that wrote output and idles still answers ctl at once', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = track(makeBundle(root, rootfs, { args: ['sh', '-c', 'echo hi; echo err >&2; sleep 100'] }), t);
  assert.equal(shim(['run', b.dir]).code, 0);
  await waitFor('the output in the log', () => logText(b).includes('hi\n'));
  const t0 = Date.now();
  const stop = shim(['stop', b.dir, '200'], { timeoutMs: 10_000 });
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(Date.now() - t0 < 5000, 'the monitor is not stuck reading an idle pipe');
  assert.equal((await waitExited(b)).exitCode, 137);
});

test('shim: init mode reaps orphans and is pid 1', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const { b, out, state } = await runToExit(root, rootfs, {
    args: ['sh', '-c', '(sleep 0.2 &); sleep 0.6; echo "me=$$"; ps -o pid,stat,comm | grep -c " Z " || true'],
    shim: { init: true },
  });
  track(b, t);
  assert.equal(state.exitCode, 0, out);
  assert.notEqual(/me=(\d+)/.exec(out)?.[1], '1', 'the command is not pid 1 under init');
  assert.match(out, /^0$/m, 'no zombies');
});

test('shim: json-file rotation keeps maxFile files', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  const b2 = track(makeBundle(root, rootfs, {
    args: ['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done'],
    log: { maxSize: 4000, maxFile: 3 },
  }), t);
  assert.equal(shim(['run', b2.dir]).code, 0);
  await waitExited(b2);
  const base = path.join(b2.dir, `${b2.id}-json.log`);
  assert.ok(fs.existsSync(`${base}.1`) && fs.existsSync(`${base}.2`), 'two rotated files');
  assert.equal(fs.existsSync(`${base}.3`), false, 'no more than maxFile files');
  for (const f of [base, `${base}.1`, `${base}.2`]) assert.ok(fs.statSync(f).size <= 4000, `${f} within maxSize`);
  const current = readLog(b2).map((l) => l.log);
  assert.equal(current.at(-1), 'line 299 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n');
  const older = readLog(b2, '.1').map((l) => Number(/line (\d+)/.exec(l.log)![1]));
  assert.equal(older.at(-1)! + 1, Number(/line (\d+)/.exec(current[0]!)![1]), '.1 holds the lines just before the current file');
});

test('shim: restart on-failure:3 restarts exactly 3 times with backoff', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = track(makeBundle(root, rootfs, { args: ['sh', '-c', 'echo run; exit 1'], shim: { restart: { policy: 'on-failure', maxRetries: 3 } } }), t);
  assert.equal(shim(['run', b.dir]).code, 0);
  const s = await waitExited(b);
  assert.equal(s.restartCount, 3);
  assert.equal(s.exitCode, 1);
  const runs = readLog(b).filter((l) => l.log === 'run\n').map((l) => Date.parse(l.time) + Number(l.time.slice(23, 29)) / 1e6);
  assert.equal(runs.length, 4, 'the first run and 3 restarts');
  const gaps = runs.slice(1).map((r, i) => r - runs[i]!);
  // docker's backoff: 100 ms, then doubling
  assert.ok(gaps[0]! >= 95, `first delay ≥ 100 ms (${gaps[0]})`);
  assert.ok(gaps[1]! >= 190, `second delay ≥ 200 ms (${gaps[1]})`);
  assert.ok(gaps[2]! >= 380, `third delay ≥ 400 ms (${gaps[2]})`);
  assert.deepEqual(leftovers(b), []);
});

test('shim: a stopped container stays stopped, whatever its policy', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = track(makeBundle(root, rootfs, { args: ['sleep', '100'], shim: { restart: { policy: 'always', maxRetries: 0 } } }), t);
  assert.equal(shim(['run', b.dir]).code, 0);
  assert.equal(shim(['stop', b.dir, '200']).code, 0);
  const s = await waitExited(b);
  assert.equal(s.restartCount, 0);
  assert.equal(s.stopRequested, true);
  // an `always` container that keeps exiting restarts until stopped during its backoff
  const flap = track(makeBundle(root, rootfs, { args: ['sh', '-c', 'exit 2'], shim: { restart: { policy: 'always', maxRetries: 0 } } }), t);
  assert.equal(shim(['run', flap.dir]).code, 0);
  await waitState(flap, (st) => st.restartCount >= 2, 'a few restarts');
  assert.equal(shim(['stop', flap.dir, '1000']).code, 0);
  const f = await waitExited(flap);
  const count = f.restartCount;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(readState(flap)!.restartCount, count, 'no restart after the stop');
  assert.equal(readState(flap)!.status, 'exited');
});

test('shim: pause freezes and resume thaws', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = track(makeBundle(root, rootfs, { args: ['sleep', '100'] }), t);
  assert.equal(shim(['run', b.dir]).code, 0);
  assert.equal(shim(['pause', b.dir]).code, 0);
  assert.equal(readState(b)!.status, 'paused');
  const st = fs.readFileSync(`/proc/${readState(b)!.pid}/status`, 'utf8');
  assert.match(st, /^State:\s+[SD]/m);
  assert.equal(shim(['resume', b.dir]).code, 0);
  assert.equal(readState(b)!.status, 'running');
  assert.equal(shim(['kill', b.dir, '9']).code, 0);
  const s = await waitExited(b);
  assert.equal(s.exitCode, 137);
  assert.equal(s.stopRequested, true, 'kill counts as a manual stop');
});

test('shim: kill -9 of the shim kills the container; cleanup leaves nothing', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const b = track(makeBundle(root, rootfs, { args: ['sh', '-c', 'sleep 100 & sleep 100'] }), t);
  assert.equal(shim(['run', b.dir]).code, 0);
  const s = readState(b)!;
  assert.ok(processAlive(s.pid));
  process.kill(s.shimPid, 'SIGKILL');
  await waitFor('the container to die with its shim', () => !processAlive(s.pid));
  await waitFor('the shim to be gone', () => !processAlive(s.shimPid));
  const c = shim(['cleanup', b.dir]);
  assert.equal(c.code, 0, c.stderr);
  const after = readState(b)!;
  assert.equal(after.status, 'exited');
  assert.equal(after.exitCode, 137);
  assert.deepEqual(leftovers(b), []);
});

test('shim: impossible specs fail create with the cause and leave nothing', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: mine });
  const cases: [string, Parameters<typeof makeBundle>[2], RegExp][] = [
    ['missing command', { args: ['no-such-cmd'] }, /executable file not found/],
    ['unknown capability', { args: ['true'], edit: (c) => { c.process.capabilities.bounding.push('CAP_NOPE'); } }, /unknown capability CAP_NOPE/],
    ['cpuset the host lacks', { args: ['true'], resources: { cpu: { cpus: '64-65' } } }, /cpuset\.cpus/],
    ['missing bind source', { args: ['true'], mounts: [{ destination: '/x', type: 'bind', source: '/nonexistent/dir', options: ['rbind'] }] }, /\/nonexistent\/dir/],
    ['unknown runtime', { args: ['true'], shim: { runtime: 'kata' } }, /unknown runtime kata \(known: shim, runc\)/],
    ['runc with init', { args: ['true'], shim: { runtime: 'runc', init: true } }, /init with runtime runc goes into config\.json/],
    ['runc binary missing', { args: ['true'], shim: { runtime: 'runc', runcPath: '/nonexistent/runc' } }, /runtime runc: \/nonexistent\/runc: No such file/],
    ['rlimit over the hard limit', { args: ['true'], rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1 << 30, hard: 1 << 30 }] }, /RLIMIT_NOFILE/],
  ];
  for (const [what, opts, msg] of cases) {
    const b = track(makeBundle(root, rootfs, opts), t);
    const r = shim(['run', b.dir]);
    assert.equal(r.code, 1, `${what}: exit 1`);
    assert.match(r.stderr, new RegExp(b.name), `${what}: names the container`);
    assert.match(r.stderr, msg, `${what}: names the cause`);
    assert.deepEqual(leftovers(b), [], `${what}: no mount or cgroup left`);
    assert.equal(fs.existsSync(path.join(b.dir, 'ctl.sock')), false);
  }
  const bad = track(makeBundle(root, rootfs, { args: ['true'] }), t);
  fs.writeFileSync(path.join(bad.dir, 'config.json'), '{"process": ');
  const r = shim(['create', bad.dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /config\.json/);
});

test('shim: lifecycle containers leave no mounts or cgroups behind', { skip: needsRoot }, () => {
  for (const b of made) assert.deepEqual(leftovers(b), [], b.id);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});
