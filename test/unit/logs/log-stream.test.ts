/**
 * The multiplexer against a store faked on disk (meta.json, state.json and json-file logs under a temp
 * TSCOMPOSE_ROOT; the "shim" is this test process, so a container counts as live while its state says so).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-logs-'));
process.env.TSCOMPOSE_ROOT = root;
const { streamLogs } = await import('../../../src/logs/log-stream.js');
const { collectLogContainers, planLogContainers } = await import('../../../src/logs/log-select.js');
const { parseStartTime } = await import('../../../runtime/store/pid-identity.js');
const { paths } = await import('../../../runtime/index.js');
const { runUpSession, planSessionDone } = await import('../../../src/logs/up-session.js');
const { createLogFormatter } = await import('../../../src/logs/log-format.js');

const selfStart = parseStartTime(readFileSync('/proc/self/stat', 'utf8'))!;
const dirOf = (id: string) => path.join(paths().containers, id);

function fakeContainer(project: string, service: string, n: number): string {
  const id = randomBytes(32).toString('hex');
  mkdirSync(dirOf(id), { recursive: true });
  const labels = { 'com.docker.compose.project': project, 'com.docker.compose.service': service, 'com.docker.compose.container-number': String(n), 'com.docker.compose.oneoff': 'False' };
  writeFileSync(path.join(dirOf(id), 'meta.json'), JSON.stringify({ id, name: `${project}-${service}-${n}`, labels, createdAt: new Date().toISOString(), spec: {} }));
  writeFileSync(path.join(dirOf(id), `${id}-json.log`), '');
  return id;
}

function setState(id: string, s: { running: boolean; startedAt: string; exitCode?: number; restartCount?: number }): void {
  writeFileSync(path.join(dirOf(id), 'state.json'), JSON.stringify({
    id, status: s.running ? 'running' : 'exited', pid: 0, pidStartTime: 0, shimPid: s.running ? process.pid : 0, shimStartTime: s.running ? selfStart : 0,
    exitCode: s.running ? null : (s.exitCode ?? 0), signal: null, oomKilled: false, startedAt: s.startedAt, finishedAt: null, restartCount: s.restartCount ?? 0,
    stopRequested: false, error: null, health: null,
  }));
}

let clock = Date.parse('2026-01-01T00:00:00Z');
function log(id: string, text: string, stream = 'stdout'): void {
  const time = new Date(clock += 1000).toISOString().replace('Z', '123456Z');
  appendFileSync(path.join(dirOf(id), `${id}-json.log`), `${JSON.stringify({ log: `${text}\n`, stream, time })}\n`);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('selection: project replicas of the named services, no one-offs or kept hook containers, by service then number; --index picks one', () => {
  const s = (name: string, labels: Record<string, string>) => ({ id: name, name, labels, status: 'running' as const, state: null, createdAt: '' });
  const L = (svc: string, n: number, extra: Record<string, string> = {}) => ({ 'com.docker.compose.project': 'p', 'com.docker.compose.service': svc, 'com.docker.compose.container-number': String(n), ...extra });
  const all = [s('p-web-2', L('web', 2)), s('p-web-1', L('web', 1)), s('p-db-1', L('db', 1)), s('p-web-run-abc', L('web', 1, { 'com.docker.compose.oneoff': 'True' })), s('p-web-pre_start-abc', { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web', 'com.docker.compose.hook': 'pre_start' }), s('q-web-1', { ...L('web', 1), 'com.docker.compose.project': 'q' })];
  assert.deepEqual(planLogContainers(all, { project: 'p', services: [] }).map((c) => c.name), ['db-1', 'web-1', 'web-2']);
  assert.deepEqual(planLogContainers(all, { project: 'p', services: ['web'] }).map((c) => c.name), ['web-1', 'web-2']);
  assert.deepEqual(planLogContainers(all, { project: 'p', services: ['web'], index: 2 }).map((c) => c.name), ['web-2']);
});

test('without follow: entries of all containers merged by time, tail per container', async () => {
  const a = fakeContainer('merge', 'a', 1);
  const b = fakeContainer('merge', 'b', 1);
  setState(a, { running: false, startedAt: '2026-01-01T00:00:00Z' });
  setState(b, { running: false, startedAt: '2026-01-01T00:00:00Z' });
  log(a, 'a1'); log(b, 'b1'); log(a, 'a2'); log(b, 'b2', 'stderr'); log(a, 'a3');
  const seen: string[] = [];
  await streamLogs({ scope: { project: 'merge', services: [] }, follow: false }, { line: (c, e) => seen.push(`${c.name}:${e.log.trim()}`) });
  assert.deepEqual(seen, ['a-1:a1', 'b-1:b1', 'a-1:a2', 'b-1:b2', 'a-1:a3']);
  const tail: string[] = [];
  await streamLogs({ scope: { project: 'merge', services: [] }, follow: false, tail: 1 }, { line: (c, e) => tail.push(`${c.name}:${e.log.trim()}`) });
  assert.deepEqual(tail, ['b-1:b2', 'a-1:a3']);
});

test('follow: new lines, a new replica, an exit, a start after the exit resumes after the last line, removal ends it', async () => {
  const web = fakeContainer('fol', 'web', 1);
  setState(web, { running: true, startedAt: '2026-01-01T00:00:00Z' });
  log(web, 'before');
  const lines: string[] = [];
  const events: string[] = [];
  const done = streamLogs({ scope: { project: 'fol', services: [] }, follow: true, tail: 0, pollMs: 30, readPollMs: 10 }, {
    line: (c, e) => lines.push(`${c.name}:${e.log.trim()}`),
    added: (c) => events.push(`added ${c.name}`),
    exited: (e) => events.push(`${e.container.name} exited ${e.exitCode}${e.restarting ? ' restarting' : ''}`),
  });
  log(web, 'one');
  await until(() => lines.includes('web-1:one'), 'the first followed line');
  assert.ok(!lines.includes('web-1:before'), '--tail 0 skips what was there');

  const web2 = fakeContainer('fol', 'web', 2);
  setState(web2, { running: true, startedAt: '2026-01-01T00:00:01Z' });
  log(web2, 'replica');
  await until(() => lines.includes('web-2:replica'), 'the new replica\'s line');
  assert.ok(events.includes('added web-2'));

  setState(web, { running: true, startedAt: '2026-01-01T00:00:00Z', restartCount: 1, exitCode: 4 });
  await until(() => events.some((e) => e.startsWith('web-1 exited') && e.endsWith('restarting')), 'a restart policy exit');

  log(web, 'last words');
  setState(web, { running: false, startedAt: '2026-01-01T00:00:00Z', exitCode: 3 });
  await until(() => events.includes('web-1 exited 3'), 'the exit');
  assert.ok(lines.indexOf('web-1:last words') >= 0, 'the reader drains before it reports the exit');

  setState(web, { running: true, startedAt: '2026-01-01T00:01:00Z' });
  log(web, 'again');
  await until(() => lines.includes('web-1:again'), 'the line after the new start');
  assert.equal(lines.filter((l) => l === 'web-1:one').length, 1, 'a resumed reader does not repeat what it passed on');

  rmSync(dirOf(web), { recursive: true });
  rmSync(dirOf(web2), { recursive: true });
  await done;
  assert.deepEqual(collectLogContainers({ project: 'fol', services: [] }), []);
});

test('attached up session: a job that already exited cascades the stop, its code is up\'s, output in order', { timeout: 30_000 }, async () => {
  const since = new Date(clock).toISOString();
  const job = fakeContainer('sess', 'job', 1);
  const long = fakeContainer('sess', 'long', 1);
  setState(long, { running: true, startedAt: since });
  log(long, 'long running');
  log(job, 'job done');
  setState(job, { running: false, startedAt: since, exitCode: 3 }); // done before the session reads anything
  let out = '';
  let err = '';
  const stdout = { write: (s: string) => { out += s; return true; } } as unknown as NodeJS.WritableStream;
  const stderr = { write: (s: string) => { err += s; return true; } } as unknown as NodeJS.WritableStream;
  const stops: string[] = [];
  const code = await runUpSession({
    project: 'sess', attach: ['job', 'long'], watch: ['job', 'long'], since, onExit: 'stop', exitCodeFrom: 'job', timestamps: false,
    fmt: createLogFormatter({ color: false, prefix: true, timestamps: false }), stdout, stderr, pollMs: 30,
    stopAll: async () => { stops.push('stop'); log(long, 'long got TERM'); setState(long, { running: false, startedAt: since, exitCode: 0 }); },
    killAll: async () => { stops.push('kill'); },
  }, collectLogContainers({ project: 'sess', services: [] }));
  assert.equal(code, 3);
  assert.deepEqual(stops, ['stop'], 'one graceful stop, no kill');
  assert.equal(err, 'Aborting on container exit...\n');
  assert.match(out, /^Attaching to job-1, long-1\n/);
  for (const line of ['job-1   | job done', 'job-1 exited with code 3', 'long-1  | long running', 'long-1  | long got TERM', 'long-1 exited with code 0']) assert.ok(out.split('\n').includes(line), `${line} in:\n${out}`);
  assert.ok(out.indexOf('job-1   | job done') < out.indexOf('job-1 exited with code 3'));
  assert.ok(out.indexOf('long-1  | long got TERM') < out.indexOf('long-1 exited with code 0'));
});

test('the session is done when every watched container has exited and its reader drained', () => {
  const t = (service: string, status: 'running' | 'exited', following: boolean) => ({ container: { service, summary: { status } }, following }) as unknown as Parameters<typeof planSessionDone>[0][number];
  assert.equal(planSessionDone([t('a', 'exited', false), t('b', 'running', true)], ['a']), true, 'an unwatched service does not hold up');
  assert.equal(planSessionDone([t('a', 'exited', true)], ['a']), false, 'still draining');
  assert.equal(planSessionDone([t('a', 'exited', false), t('b', 'running', false)], ['a', 'b']), false);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
