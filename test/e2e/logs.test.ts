/**
 * `logs` on a real 2-service project (testdata/Logs): both services prefixed and padded, -n, -t, --no-log-prefix,
 * --since/--until, --index; then `logs -f` in the background sees new lines, a restarted container's output and
 * a recreated container's output, and is killed by PID; last, `attach` (no terminal) relays output and a TERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliPath, tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { buildImage } from '../helpers/image-kit.js';
import { needsRoot } from '../helpers/root.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'Logs');

const count = (text: string, line: string): number => text.split('\n').filter((l) => l === line).length;

test('logs: prefixes, -n, -t, --no-log-prefix, --since/--until, --index, -f across new lines, a restart and a recreate; attach', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');
  ok(await cli(['up', '-d']), 'up -d');

  // both services, prefixed with the name without the project, padded to the longest name + 1
  const all = await eventually(async () => {
    const r = ok(await cli(['logs']), 'logs');
    assert.match(r.stdout, /^beta-1 {3}\| beta tick 2$/m);
    return r.stdout;
  }, { timeoutMs: 60_000, intervalMs: 300 });
  assert.match(all, /^alpha-1 {2}\| alpha says hello$/m);
  assert.match(all, /^alpha-1 {2}\| alpha to stderr$/m, 'stderr lines are shown too');
  assert.doesNotMatch(all, /\x1b\[/, 'no color when stdout is not a terminal');
  assert.ok(all.indexOf('beta tick 1') < all.indexOf('beta tick 2'), 'in time order');

  assert.equal(ok(await cli(['logs', '-n', '1', 'alpha']), 'logs -n 1').stdout, 'alpha-1  | alpha to stderr\n');
  assert.equal(ok(await cli(['logs', '--tail', '0', 'alpha']), 'logs --tail 0').stdout, '');
  assert.equal(ok(await cli(['logs', '--no-log-prefix', 'alpha']), 'logs --no-log-prefix').stdout, 'alpha says hello\nalpha to stderr\n');
  const stamped = ok(await cli(['logs', '-t', 'alpha']), 'logs -t').stdout;
  assert.match(stamped, /^alpha-1 {2}\| \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z alpha says hello$/m);
  const stamp = /\| (\S+) alpha says hello/.exec(stamped)![1]!;
  assert.ok(Math.abs(Date.parse(stamp) - Date.now()) < 10 * 60_000, `the stamp ${stamp} is the time the line was written`);
  assert.equal(ok(await cli(['logs', '--since', '1h', '--no-log-prefix', 'alpha']), 'logs --since 1h').stdout, 'alpha says hello\nalpha to stderr\n');
  assert.equal(ok(await cli(['logs', '--until', '2000-01-01T00:00:00Z', 'alpha']), 'logs --until').stdout, '');
  assert.equal(ok(await cli(['logs', '--index', '1', 'alpha']), 'logs --index 1').stdout, 'alpha-1  | alpha says hello\nalpha-1  | alpha to stderr\n');
  const noIndex = await cli(['logs', '--index', '2', 'alpha']);
  assert.equal(noIndex.code, 1);
  assert.match(noIndex.stderr, /service "alpha" is not running container #2/);
  const bad = await cli(['logs', '--since', 'soon']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid value "soon" for --since/);
  assert.equal((await cli(['logs', 'nosuch'])).code, 1);

  // logs -f in the background
  const child = spawn(cliPath, ['-p', e.project, 'logs', '-f', '--no-color'], { cwd, env: { ...process.env, ...e.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  e.defer(() => { if (child.exitCode === null) child.kill('SIGKILL'); return exited; });
  const lastTick = (): number => Math.max(0, ...[...out.matchAll(/beta tick (\d+)/g)].map((m) => Number(m[1])));
  const before = await eventually(() => { const n = lastTick(); assert.ok(n > 0, `no tick yet:\n${out}${err}`); return n; }, { timeoutMs: 30_000 });
  await eventually(() => assert.ok(lastTick() > before + 1, `no new tick after ${before}:\n${out}${err}`), { timeoutMs: 30_000 });

  ok(await cli(['restart', '-t', '5', 'alpha']), 'restart alpha');
  await eventually(() => assert.equal(count(out, 'alpha-1  | alpha says hello'), 2, `the restarted container's output:\n${out}${err}`), { timeoutMs: 60_000 });

  ok(await cli(['up', '-d', '--force-recreate', 'beta']), 'recreate beta');
  await eventually(() => assert.ok(count(out, 'beta-1   | beta tick 1') >= 2, `the recreated container's output:\n${out}${err}`), { timeoutMs: 60_000 });
  assert.equal(child.exitCode, null, 'logs -f keeps following');

  child.kill('SIGTERM');
  assert.equal(await exited, 143);
  assert.doesNotMatch(err, /internal error/);

  // attach (no terminal): the output as it comes, unprefixed; a TERM is passed on (--sig-proxy) and the
  // container's exit code is attach's
  const att = spawn(cliPath, ['-p', e.project, 'attach', 'beta'], { cwd, env: { ...process.env, ...e.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let attOut = '';
  let attErr = '';
  att.stdout.on('data', (d) => (attOut += d));
  att.stderr.on('data', (d) => (attErr += d));
  const attExited = new Promise<number | null>((resolve) => att.on('close', (code) => resolve(code)));
  e.defer(() => { if (att.exitCode === null) att.kill('SIGKILL'); return attExited; });
  await eventually(() => assert.match(attOut, /^beta tick \d+$/m, `${attOut}${attErr}`), { timeoutMs: 30_000 });
  assert.doesNotMatch(attOut, /beta tick 1\n/, 'only what is printed from now on');
  att.kill('SIGTERM');
  assert.equal(await attExited, 0, `${attOut}${attErr}`);
  const ps = ok(await cli(['ps', '-a', '--format', 'json', 'beta']), 'ps beta').stdout;
  assert.equal((JSON.parse(ps.trim().split('\n')[0]!) as { State: string }).State, 'exited', 'the signal reached the container');
});
