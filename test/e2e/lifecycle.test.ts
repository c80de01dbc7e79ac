/**
 * The lifecycle and inspection commands on a real 3-service project (testdata/Lifecycle): create → up -d →
 * port → top → logs → exec → run --rm → stop/start → restart → pause/unpause → kill -s SIGTERM with wait → rm (refused, confirmed,
 * -f -s) → ls → stats → events → stop without a Compose file → down, each checked by what it did (ps states,
 * HTTP answers, processes, exit codes), not only by its exit code. The leak check of e2eEnv runs after down.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliPath, tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'Lifecycle');

interface PsJson { ID: string; Name: string; Service: string; State: string; Status: string; ExitCode: number }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

async function get(address: string): Promise<string> {
  const port = address.split(':').pop();
  const res = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(1500) });
  return (await res.text()).trim();
}

// the timeout covers the wait for the machine-wide e2e lock (up to 15 min when other suites queue) plus the scenario
test('lifecycle: create, up, port, top, logs, exec, run --rm, stop/start, restart, pause, kill + wait, rm, ls, stats, events, down', { skip: needsRoot, timeout: 1_200_000 }, async (t) => {
  const e = await e2eEnv(t);
  const p = e.project;
  const cli = (args: string[], input?: string) => tscompose(['-p', p, ...args], { cwd, env: e.env, input, timeoutMs: 120_000 });
  const states = async () => Object.fromEntries(psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a')).map((r) => [r.Service, r]));
  // retried: another suite may be rebuilding dist/ (the CLI is briefly missing), and a skipped down leaks the project
  e.defer(() => eventually(async () => ok(await cli(['down', '-t', '0']), 'cleanup down'), { timeoutMs: 120_000, intervalMs: 1000 }));

  await loadKitImages(e.env, 'busybox');

  // create = up --no-start: three containers, none running
  const created = ok(await cli(['create']), 'create');
  assert.match(created.stderr, new RegExp(`Container ${p}-web-1 Created`));
  assert.doesNotMatch(created.stderr, /Start/);
  assert.deepEqual(Object.values(await states()).map((r) => `${r.Service}:${r.State}`).sort(), ['db:created', 'web:created', 'worker:created']);

  ok(await cli(['up', '-d']), 'up -d');
  const ids = Object.fromEntries(Object.values(await states()).map((r) => [r.Service, r.ID]));
  assert.deepEqual(Object.values(await states()).map((r) => r.State), ['running', 'running', 'running']);

  // port: the random host port answers; an unpublished one is an error naming the container
  const address = ok(await cli(['port', 'web', '80']), 'port').stdout.trim();
  assert.match(address, /^0\.0\.0\.0:\d+$/);
  assert.equal(await eventually(() => get(address), { timeoutMs: 30_000, intervalMs: 200 }), 'lifecycle');
  const noPort = await cli(['port', 'web', '81']);
  assert.equal(noPort.code, 1);
  assert.match(noPort.stderr, new RegExp(`no port 81/tcp for container ${p}-web-1: 80/tcp`));
  assert.equal((await cli(['port', 'nosuch', '80'])).code, 1);

  // top: the container's block lists httpd
  const top = ok(await cli(['top', 'web']), 'top').stdout;
  assert.match(top, new RegExp(`^${p}-web-1\nUID\\s+PID\\s+PPID\\s+C\\s+STIME\\s+TTY\\s+TIME\\s+CMD\n`));
  assert.match(top, /^root\s+\d+\s+\d+\s+\d+\s+\S+\s+\?\s+\d\d:\d\d:\d\d\s+httpd -f -p 80 -h \/www$/m);
  assert.doesNotMatch(top, /worker/);

  // logs, exec and run --rm on the same project
  const logs = await eventually(async () => {
    const r = ok(await cli(['logs', '--no-color', 'db']), 'logs db');
    assert.match(r.stdout, /^db-1\s+\| db ready$/m);
    return r.stdout;
  }, { timeoutMs: 30_000, intervalMs: 300 });
  assert.doesNotMatch(logs, /web-1|worker-1/, 'only the service asked for');
  assert.equal(ok(await cli(['exec', '-T', 'web', 'cat', '/www/index.html']), 'exec web').stdout.trim(), 'lifecycle');
  assert.equal((await cli(['exec', '-T', 'db', 'sh', '-c', 'exit 4'])).code, 4, 'exec passes the exit code on');
  const oneOff = ok(await cli(['run', '--rm', '-T', 'worker', 'sh', '-c', 'echo one-off $HOSTNAME']), 'run --rm');
  assert.match(oneOff.stdout, /^one-off \S+$/m);
  assert.ok(psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a')).every((r) => !r.Name.includes('-run-')), 'run --rm left no container');

  // stop / start one service: its loop ends on SIGTERM with code 3
  const stopped = ok(await cli(['stop', 'worker']), 'stop worker');
  assert.match(stopped.stderr, new RegExp(`Container ${p}-worker-1 Stopped`));
  let s = await states();
  assert.equal(s.worker!.State, 'exited');
  assert.equal(s.worker!.ExitCode, 3);
  assert.match(s.worker!.Status, /^Exited \(3\)/);
  assert.equal(s.web!.State, 'running');
  ok(await cli(['start', 'worker']), 'start worker');
  s = await states();
  assert.equal(s.worker!.State, 'running');
  assert.equal(s.worker!.ID, ids.worker, 'start reuses the container');

  // restart -t 1: httpd ignores SIGTERM as PID 1, so it is killed after 1 s and starts again on a new port binding
  const restarted = ok(await cli(['restart', '-t', '1', 'web']), 'restart web');
  assert.match(restarted.stderr, new RegExp(`Container ${p}-web-1 Restarted`));
  assert.doesNotMatch(restarted.stderr, /worker|db-1/);
  s = await states();
  assert.equal(s.web!.State, 'running');
  assert.equal(s.web!.ID, ids.web);
  const address2 = ok(await cli(['port', 'web', '80']), 'port after restart').stdout.trim();
  assert.equal(await eventually(() => get(address2), { timeoutMs: 30_000, intervalMs: 200 }), 'lifecycle');

  // pause: frozen (no HTTP answer), paused in ps; unpause: answers again
  const paused = ok(await cli(['pause', 'web']), 'pause');
  assert.match(paused.stderr, new RegExp(`Container ${p}-web-1 Paused`));
  s = await states();
  assert.equal(s.web!.State, 'paused');
  assert.match(s.web!.Status, /\(Paused\)/);
  await assert.rejects(get(address2), 'a paused web server does not answer');
  ok(await cli(['unpause', 'web']), 'unpause');
  assert.equal((await states()).web!.State, 'running');
  assert.equal(await eventually(() => get(address2), { timeoutMs: 30_000, intervalMs: 200 }), 'lifecycle');

  // kill -s SIGTERM while `wait worker` waits: wait prints the exit code and exits with it
  // the worker takes 1-3 s to exit after SIGTERM (its trap sleeps), so wait is watching before it goes
  const waiting = cli(['wait', 'worker']);
  const killed = ok(await cli(['kill', '-s', 'SIGTERM', 'worker']), 'kill -s SIGTERM');
  assert.match(killed.stderr, new RegExp(`Container ${p}-worker-1 Killed`));
  const waited = await waiting;
  assert.equal(waited.code, 3, waited.stderr);
  assert.equal(waited.stdout, `container "${ids.worker}" exited with status code 3\n`);
  assert.equal((await states()).worker!.State, 'exited');
  const noKill = ok(await cli(['kill', 'worker']), 'kill with nothing running');
  assert.match(noKill.stderr, /no container to kill/);

  // rm: without an answer nothing is removed; "y" removes; -f -s stops and removes without asking
  const refused = ok(await cli(['rm', 'worker'], ''), 'rm without an answer');
  assert.match(refused.stdout, new RegExp(`Going to remove ${p}-worker-1\nAre you sure\\? \\[yN\\]`));
  assert.ok((await states()).worker, 'nothing removed without a yes');
  const confirmed = ok(await cli(['rm', 'worker'], 'y\n'), 'rm confirmed');
  assert.match(confirmed.stderr, new RegExp(`Container ${p}-worker-1 Removed`));
  assert.equal((await states()).worker, undefined);
  assert.match(ok(await cli(['rm', 'web']), 'rm of a running service').stderr, /No stopped containers/);
  // a bundle retired by a remover that was killed before deleting it (its pid is gone) is swept by the next removal
  const grave = path.join(e.root, 'containers', `.removed-${'e'.repeat(64)}-${spawnSync('true').pid}`);
  mkdirSync(path.join(grave, 'rootfs'), { recursive: true });
  const forced = ok(await cli(['rm', '-f', '-s', 'db']), 'rm -f -s');
  assert.equal(forced.stdout, `Going to remove ${p}-db-1\n`);
  assert.match(forced.stderr, new RegExp(`Container ${p}-db-1 Stopped[\\s\\S]*Container ${p}-db-1 Removed`));
  assert.deepEqual(Object.keys(await states()), ['web']);
  assert.equal(existsSync(grave), false, 'the abandoned retired bundle was swept');

  // ls: this project, from its labels
  const ls = JSON.parse(ok(await tscompose(['ls', '--format', 'json'], { env: e.env }), 'ls').stdout) as Array<{ Name: string; Status: string; ConfigFiles: string }>;
  assert.deepEqual(ls, [{ Name: p, Status: 'running(1)', ConfigFiles: path.join(cwd, 'compose.yaml') }]);
  assert.equal(ok(await tscompose(['ls', '-q', '--filter', `name=${p}`], { env: e.env }), 'ls -q').stdout, `${p}\n`);
  assert.equal(ok(await tscompose(['ls', '-q', '--filter', 'name=^nomatch$'], { env: e.env }), 'ls -q filtered').stdout, '');

  // stats: a row for web with its processes and memory
  const stats = ok(await cli(['stats', '--no-stream']), 'stats').stdout.split('\n');
  assert.match(stats[0]!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
  assert.match(stats[1]!, new RegExp(`^${ids.web!.slice(0, 12)}\\s+${p}-web-1\\s+\\d+\\.\\d\\d%\\s+[\\d.]+[KMG]?i?B / [\\d.]+[KMGT]i?B\\s+\\d+\\.\\d\\d%\\s+.*\\s1$`));
  const statsJson = JSON.parse(ok(await cli(['stats', '--no-stream', '--format', 'json']), 'stats json').stdout) as { Name: string; PIDs: string };
  assert.equal(statsJson.Name, `${p}-web-1`);
  assert.equal(statsJson.PIDs, '1');

  // events --json in the background: a stop and a start of web show up as die/stop/start
  const events = spawn(cliPath, ['-p', p, 'events', '--json'], { cwd, env: { ...process.env, ...e.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  events.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => events.once('exit', (code) => r(code)));
  e.defer(() => { if (events.exitCode === null) events.kill('SIGKILL'); });
  const seen = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; service: string; id: string; type: string; time: string; attributes: Record<string, string> });
  // events watches from the moment it starts: pause/unpause until it has seen one, so it is surely watching
  await eventually(async () => {
    ok(await cli(['pause', 'web']), 'pause');
    ok(await cli(['unpause', 'web']), 'unpause');
    await eventually(() => assert.ok(seen().some((x) => x.action === 'unpause')), { timeoutMs: 2000, intervalMs: 100 });
  }, { timeoutMs: 60_000, intervalMs: 200 });
  const mark = seen().length;
  ok(await cli(['stop', '-t', '1', 'web']), 'stop web');
  ok(await cli(['start', 'web']), 'start web');
  await eventually(() => assert.deepEqual(seen().slice(mark).map((x) => x.action), ['die', 'stop', 'start']), { timeoutMs: 30_000, intervalMs: 200 });
  const die = seen()[mark]!;
  assert.equal(die.service, 'web');
  assert.equal(die.id, ids.web);
  assert.equal(die.type, 'container');
  assert.equal(die.attributes.name, `${p}-web-1`);
  assert.equal(die.attributes.exitCode, '137');
  assert.ok(!Number.isNaN(Date.parse(die.time)));
  events.kill('SIGTERM');
  assert.equal(await exited, 0, 'events ends cleanly on SIGTERM');

  // without a Compose file, -p NAME acts on what carries the project label
  const noFile = ok(await tscompose(['-p', p, 'stop', '-t', '1'], { cwd: e.root, env: e.env, timeoutMs: 120_000 }), 'stop without a Compose file');
  assert.match(noFile.stderr, new RegExp(`Container ${p}-web-1 Stopped`));
  assert.equal((await states()).web!.State, 'exited');

  const down = ok(await cli(['down', '-t', '0']), 'down');
  assert.match(down.stderr, new RegExp(`Container ${p}-web-1 Removed`));
  assert.equal(ok(await tscompose(['ls', '-a', '-q', '--filter', `name=${p}`], { env: e.env }), 'ls after down').stdout, '');
});
