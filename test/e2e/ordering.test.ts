/**
 * depends_on ordering and lifecycle hooks, end to end (testdata/Ordering): health-gated and completion-gated
 * starts proven with timestamps the services write into a shared volume; `up --wait` returns once healthy;
 * --wait-timeout names the service it gave up on; post_start and pre_stop hooks run through exec with their
 * own user, working dir and environment; a failing hook and a failing one-shot fail `up` as docker compose does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

interface PsJson { Name: string; Service: string; State: string; Health: string; ExitCode: number }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

// the timeout includes the wait for the machine-wide e2e lock, which other test files may hold for minutes
test('ordering: health- and completion-gated starts, --wait, --wait-timeout, hooks, failing one-shot', { skip: needsRoot, timeout: 1_200_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'Ordering');
  const cli = (args: string[], env: Record<string, string> = {}) => tscompose(['-p', e.project, ...args], { cwd, env: { ...e.env, ...env }, timeoutMs: 150_000 });
  e.defer(() => cli(['--profile', 'stuck', 'down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox');

  const up = ok(await cli(['up', '-d', '--wait', '--wait-timeout', '120']), 'up -d --wait');
  // --wait returned: db is healthy and app running right now, without polling
  const rows = psRows(ok(await cli(['ps', '--format', 'json']), 'ps'));
  assert.deepEqual(rows.map((r) => [r.Service, r.State, r.Health]), [['app', 'running', ''], ['db', 'running', 'healthy']], up.stderr);
  const all = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a'));
  assert.deepEqual(all.filter((r) => r.Service === 'migrate').map((r) => [r.State, r.ExitCode]), [['exited', 0]]);

  // progress: app starts only after db reported Healthy and migrate Exited
  const at = (text: string) => {
    const i = up.stderr.indexOf(text);
    assert.ok(i >= 0, `missing "${text}" in:\n${up.stderr}`);
    return i;
  };
  const appStarting = at(`Container ${e.project}-app-1 Starting`);
  assert.ok(at(`Container ${e.project}-db-1 Healthy`) < appStarting, up.stderr);
  assert.ok(at(`Container ${e.project}-migrate-1 Exited`) < appStarting, up.stderr);

  // timestamps from inside the containers (host uptime, one clock for all)
  const volume = JSON.parse(ok(await tscompose(['volume', 'inspect', `${e.project}_marks`], { env: e.env }), 'volume inspect').stdout) as Array<{ Mountpoint: string }>;
  const marks = volume[0]!.Mountpoint;
  const read = (f: string) => readFileSync(path.join(marks, f), 'utf8').trim();
  const stamp = (f: string) => {
    const v = Number(read(f));
    assert.ok(Number.isFinite(v) && v > 0, `${f}: "${read(f)}"`);
    return v;
  };
  const dbReady = stamp('db-ready');
  const migrateDone = stamp('migrate-done');
  const appStart = stamp('app-start');
  assert.ok(appStart >= dbReady, `app started at ${appStart}, before db was ready at ${dbReady}`);
  assert.ok(appStart >= migrateDone, `app started at ${appStart}, before migrate completed at ${migrateDone}`);

  // post_start ran through exec with the hook's environment, user (nobody) and working dir
  assert.equal(read('app-post-start'), 'hooked 65534 /tmp');

  // a second up recreates nothing and leaves app and db alone; the exited one-shot runs again, as docker compose does
  const noop = ok(await cli(['up', '-d']), 'second up -d');
  assert.doesNotMatch(noop.stderr, /Recreate|Creat|(app|db)-1 Start/, noop.stderr);
  assert.match(noop.stderr, new RegExp(`Container ${e.project}-migrate-1 Started`));

  // a failing post_start hook fails the start as docker compose does; the old app's pre_stop ran first
  const hookFails = await cli(['up', '-d'], { HOOK_EXIT: '3' });
  assert.equal(hookFails.code, 1, hookFails.stderr);
  assert.match(hookFails.stderr, /app hook exited with status 3/);
  assert.match(hookFails.stderr, new RegExp(`${e.project}-app-1`));
  assert.equal(read('app-pre-stop'), 'stopping', 'pre_stop ran before the recreate stopped app');
  // the container itself was started and is left running, as docker compose leaves it
  assert.equal(psRows(await cli(['ps', '--format', 'json'], { HOOK_EXIT: '3' })).find((r) => r.Service === 'app')?.State, 'running');

  // --wait-timeout on a service that never becomes healthy fails naming it
  const stuck = await cli(['up', '-d', '--wait', '--wait-timeout', '2', 'stuck']);
  assert.equal(stuck.code, 1, stuck.stderr);
  assert.match(stuck.stderr, /stuck/);
  assert.match(stuck.stderr, /timeout|timed out|not healthy/i);

  // a one-shot that exits 1 fails up with docker compose's message; the dependant does not start
  const failing = await cli(['up', '-d', '--force-recreate'], { MIGRATE_EXIT: '1' });
  assert.equal(failing.code, 1, failing.stderr);
  assert.match(failing.stderr, /service "migrate" didn't complete successfully: exit 1/);
  const after = psRows(ok(await cli(['ps', '-a', '--format', 'json'], { MIGRATE_EXIT: '1' }), 'ps -a after the failure'));
  assert.deepEqual(after.filter((r) => r.Service === 'migrate').map((r) => [r.State, r.ExitCode]), [['exited', 1]]);
  assert.equal(after.find((r) => r.Service === 'app')?.State, 'created', 'app is created but never started');
  assert.equal(after.find((r) => r.Service === 'db')?.State, 'running', 'what already started keeps running');

  // down runs app's pre_stop only for a running container: app never started, so down still succeeds
  ok(await cli(['--profile', 'stuck', 'down', '-v', '-t', '0'], { MIGRATE_EXIT: '1' }), 'down');
  assert.equal(ok(await cli(['ps', '-a', '-q']), 'ps -a -q').stdout, '');
});
