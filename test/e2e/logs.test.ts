/**
 * `logs` on a real 2-service project (testdata/Logs): both services prefixed and padded, -n, -t, --no-log-prefix,
 * --since/--until, --index; then `logs -f` in the background sees new lines, a restarted container's output and
 * a recreated container's output, and is killed by PID; last, `attach` (no terminal) relays output and a TERM.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { spawnCli } from '../helpers/cli-spawn.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'Logs');

const count = (text: string, line: string): number => text.split('\n').filter((l) => l === line).length;

test('logs: prefixes, -n, -t, --no-log-prefix, --since/--until, --index, -f across new lines, a restart and a recreate; attach', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
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
  const child = spawnCli(['-p', e.project, 'logs', '-f', '--no-color'], { cwd, env: e.env, timeoutMs: 600_000 });
  e.defer(() => { child.kill('SIGKILL'); return child.done; });
  const lastTick = (): number => Math.max(0, ...[...child.stdout().matchAll(/beta tick (\d+)/g)].map((m) => Number(m[1])));
  const before = await eventually(() => { const n = lastTick(); assert.ok(n > 0, `no tick yet:\n${child.stdout()}${child.stderr()}`); return n; }, { timeoutMs: 30_000 });
  await eventually(() => assert.ok(lastTick() > before + 1, `no new tick after ${before}:\n${child.stdout()}${child.stderr()}`), { timeoutMs: 30_000 });

  ok(await cli(['restart', '-t', '5', 'alpha']), 'restart alpha');
  await eventually(() => assert.equal(count(child.stdout(), 'alpha-1  | alpha says hello'), 2, `the restarted container's output:\n${child.stdout()}${child.stderr()}`), { timeoutMs: 60_000 });

  ok(await cli(['up', '-d', '--force-recreate', 'beta']), 'recreate beta');
  await eventually(() => assert.ok(count(child.stdout(), 'beta-1   | beta tick 1') >= 2, `the recreated container's output:\n${child.stdout()}${child.stderr()}`), { timeoutMs: 60_000 });
  assert.equal(child.exited(), false, 'logs -f keeps following');

  child.kill('SIGTERM');
  assert.equal((await child.done).code, 143);
  assert.doesNotMatch(child.stderr(), /internal error/);

  // attach (no terminal): the output as it comes, unprefixed; a TERM is passed on (--sig-proxy) and the
  // container's exit code is attach's
  const att = spawnCli(['-p', e.project, 'attach', 'beta'], { cwd, env: e.env, timeoutMs: 600_000 });
  e.defer(() => { att.kill('SIGKILL'); return att.done; });
  await eventually(() => assert.match(att.stdout(), /^beta tick \d+$/m, `${att.stdout()}${att.stderr()}`), { timeoutMs: 30_000 });
  assert.doesNotMatch(att.stdout(), /beta tick 1\n/, 'only what is printed from now on');
  att.kill('SIGTERM');
  assert.equal((await att.done).code, 0, `${att.stdout()}${att.stderr()}`);
  const ps = ok(await cli(['ps', '-a', '--format', 'json', 'beta']), 'ps beta').stdout;
  assert.equal((JSON.parse(ps.trim().split('\n')[0]!) as { State: string }).State, 'exited', 'the signal reached the container');
});
