/** Pure helpers of the lifecycle side: logs parsing/filtering, label matching, unmount planning, path safety, inspect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLogLine, planLogFilter, rotatedFiles } from '../../../../runtime/container/logs.js';
import { matchesLabels } from '../../../../runtime/container/list.js';
import { planUnmounts, planGraveSweep } from '../../../../runtime/container/cleanup.js';
import { resolveInRoot } from '../../../../runtime/container/path-safety.js';
import { renderInspectState } from '../../../../runtime/container/inspect.js';
import { planShimLostState } from '../../../../runtime/container/state.js';
import { planExecArgs } from '../../../../runtime/container/exec.js';
import { parseNetDev, parseBlkio } from '../../../../runtime/container/stats.js';
import { parseProcess } from '../../../../runtime/container/top.js';
import { parseProcLimits } from '../../../../runtime/container/facts.js';
import type { ShimState } from '../../../../runtime/types.js';

const entry = (time: string, log: string, stream = 'stdout'): string => JSON.stringify({ log, stream, time });

test('log lines parse; torn lines are skipped; since/until compare nanoseconds; streams filter', () => {
  assert.deepEqual(parseLogLine(entry('2026-01-01T00:00:00.000000001Z', 'hi\n', 'stderr')), { stream: 'stderr', time: '2026-01-01T00:00:00.000000001Z', log: 'hi\n' });
  assert.equal(parseLogLine('{"log":"x'), undefined);
  const e = (t: string, s: 'stdout' | 'stderr' = 'stdout') => ({ stream: s, time: t, log: '' });
  const keep = planLogFilter({ since: '2026-01-01T00:00:00.000000500Z', until: new Date('2026-01-01T00:00:01Z') });
  assert.equal(keep(e('2026-01-01T00:00:00.000000400Z')), false);
  assert.equal(keep(e('2026-01-01T00:00:00.000000600Z')), true);
  assert.equal(keep(e('2026-01-01T00:00:02Z')), false);
  assert.equal(planLogFilter({ stderr: false })(e('2026-01-01T00:00:00Z', 'stderr')), false);
});

test('rotated log files are listed oldest first', (t) => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tsc-logs-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const f = path.join(d, 'c-json.log');
  for (const s of ['', '.1', '.2']) writeFileSync(f + s, '');
  assert.deepEqual(rotatedFiles(f), [`${f}.2`, `${f}.1`]);
});

test('label filters: key presence and key=value, all must match', () => {
  const l = { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web' };
  assert.ok(matchesLabels(l, ['com.docker.compose.project=demo', 'com.docker.compose.service']));
  assert.ok(!matchesLabels(l, ['com.docker.compose.project=other']));
  assert.ok(!matchesLabels(l, ['com.docker.compose.oneoff']));
});

test('unmounts below a bundle come deepest first and never touch a sibling bundle', () => {
  const info = [
    '36 25 0:32 / /var/lib/c/abc/rootfs rw - overlay overlay rw',
    '37 36 0:33 / /var/lib/c/abc/rootfs/proc rw - proc proc rw',
    '38 25 0:34 / /var/lib/c/abcd/rootfs rw - overlay overlay rw',
    '39 25 0:35 / /var/lib/c/abc/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(planUnmounts(info, '/var/lib/c/abc'), ['/var/lib/c/abc/rootfs/proc', '/var/lib/c/abc/with space', '/var/lib/c/abc/rootfs']);
});

test('paths resolve inside the container root: absolute and .. links cannot escape', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-root-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'etc'));
  symlinkSync('/etc', path.join(root, 'evil'));
  symlinkSync('../../../../etc/passwd', path.join(root, 'etc', 'up'));
  symlinkSync('evil', path.join(root, 'chain'));
  assert.equal(resolveInRoot(root, '/evil/passwd'), path.join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/etc/up'), path.join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/chain/x'), path.join(root, 'etc/x'));
  assert.equal(resolveInRoot(root, '/evil', { noFollowLast: true }), path.join(root, 'evil'));
  symlinkSync('loop', path.join(root, 'loop'));
  assert.throws(() => resolveInRoot(root, '/loop'), /too many levels/);
});

const state = (over: Partial<ShimState> = {}): ShimState => ({
  id: 'x', status: 'running', pid: 10, pidStartTime: 1, shimPid: 9, shimStartTime: 1, exitCode: null, signal: null,
  oomKilled: false, startedAt: '2026-01-01T00:00:00Z', finishedAt: null, restartCount: 0, stopRequested: false, error: null, health: null, ...over,
});

test('a shim lost while its container ran is reported as killed (137, SIGKILL) with an error', () => {
  const s = planShimLostState(state(), new Date('2026-01-01T00:00:05Z'));
  assert.equal(s.status, 'exited');
  assert.equal(s.exitCode, 137);
  assert.equal(s.signal, 9);
  assert.equal(s.finishedAt, '2026-01-01T00:00:05.000Z');
  assert.match(s.error ?? '', /shim\) died/);
});

test('inspect State mirrors docker: running flags, zero times, health', () => {
  const r = renderInspectState('running', state({ health: { status: 'healthy', failingStreak: 0, log: [{ start: 'a', end: 'b', exitCode: 0, output: 'ok' }] } }));
  assert.equal(r.Running, true);
  assert.equal(r.Pid, 10);
  assert.equal(r.FinishedAt, '0001-01-01T00:00:00Z');
  assert.equal(r.Health?.Log[0]?.Output, 'ok');
  const ex = renderInspectState('exited', state({ status: 'exited', exitCode: 143, signal: 15 }));
  assert.equal(ex.Running, false);
  assert.equal(ex.Pid, 0);
  assert.equal(ex.ExitCode, 143);
});

test('exec argv follows the protocol and refuses bad env entries', () => {
  assert.deepEqual(planExecArgs('/b', ['sh', '-c', 'id'], { tty: true, interactive: true, env: ['A=1'], user: '1000:1000', workingDir: '/tmp', privileged: true }),
    ['exec', '/b', '-t', '-i', '-e', 'A=1', '-u', '1000:1000', '-w', '/tmp', '--privileged', '--', 'sh', '-c', 'id']);
  assert.throws(() => planExecArgs('/b', ['x'], { env: ['NOEQ'] }), /invalid environment entry/);
  assert.throws(() => planExecArgs('/b', [], {}), /no command/);
});

test('stats and top parsers read the kernel formats', () => {
  const dev = 'Inter-|   Receive\n face |bytes packets\n    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n  eth0: 1500 12 0 0 0 0 0 0 900 7 0 0 0 0 0 0\n';
  assert.deepEqual(parseNetDev(dev), { eth0: { rxBytes: 1500, rxPackets: 12, txBytes: 900, txPackets: 7 } });
  assert.deepEqual(parseBlkio('8:0 Read 4096\n8:0 Write 512\n8:0 Sync 1\nTotal 4608', 'v1'), { readBytes: 4096, writeBytes: 512 });
  assert.deepEqual(parseBlkio('8:0 rbytes=10 wbytes=20 rios=1\n8:16 rbytes=1 wbytes=2', 'v2'), { readBytes: 11, writeBytes: 22 });
  const stat = '42 (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 500 1000 200';
  const row = parseProcess(42, stat, 'Name:\tsleep\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t  512 kB\n', 'sleep\x0060\x00');
  assert.deepEqual(row, { uid: 1000, pid: 42, ppid: 1, state: 'S', rssKb: 512, cpuTicks: 10, startTicks: 500, cmd: 'sleep 60' });
});

test('/proc/<pid>/limits hard limits parse, unlimited as the largest safe integer', () => {
  const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\nMax core file size        0                    unlimited            bytes\n';
  assert.deepEqual(parseProcLimits(text), { RLIMIT_NOFILE: 20000, RLIMIT_CORE: Number.MAX_SAFE_INTEGER });
});

test('retired bundles of a remover that is gone are swept; a live remover\'s and other names are kept', () => {
  const id = 'a'.repeat(64);
  const names = [`.removed-${id}-100`, `.removed-${id}-200`, id, '.removed-short-100', `.removed-${id}-x`];
  assert.deepEqual(planGraveSweep(names, (pid) => pid === 200), [`.removed-${id}-100`]);
});
