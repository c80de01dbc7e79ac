/**
 * Crash safety, end to end (testdata/Crash): the CLI is killed with SIGKILL (by its PID) at several points
 * of `up -d` and `down`, one after the other without repair in between; the next `up -d` converges (every
 * service running exactly once, the published port answers) and the next `down -v` leaves nothing (the
 * e2eEnv leak check: no container process, mount, veth, bridge, cgroup or iptables rule left).
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
import { findFreePort as freePort } from '../helpers/registry.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const SERVICES = ['api', 'cache', 'cron', 'db', 'web', 'worker'];

interface PsJson { Name: string; Service: string; State: string }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

// the timeout includes the wait for the machine-wide e2e lock, which other test files may hold for minutes
test('crash: kill -9 of the CLI during up and down, then up converges and down cleans fully', { skip: needsRoot, timeout: 1_200_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'Crash');
  const env = { ...e.env, WEB_PORT: String(await freePort()) };
  const args = (a: string[]) => ['-p', e.project, ...a];
  const cli = (a: string[]) => tscompose(args(a), { cwd, env, timeoutMs: 150_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox');

  /** Starts the command, kills it with -9 once `when` resolves, and waits until it is gone. */
  const killDuring = async (a: string[], when: (p: ReturnType<typeof spawnCli>) => Promise<void>, what: string) => {
    const p = spawnCli(args(a), { cwd, env });
    // a command that finished before the kill point is no failure: the kill is then a no-op
    await when(p).catch((err: Error) => { if (!p.exited()) throw err; });
    p.kill('SIGKILL');
    const r = await p.done;
    t.diagnostic(`${what}: ${r.signal ? `killed by ${r.signal}` : `exited ${r.code} before the kill`}; stderr so far:\n${r.stderr}`);
  };
  const soon = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));

  // kill points of up: right after spawn, after the first Created, after the first Started, mid-way
  await killDuring(['up', '-d'], soon(150), 'up killed right after spawn');
  await killDuring(['up', '-d'], (p) => p.waitFor(/Container \S+ Created/), 'up killed after the first Created');
  await killDuring(['up', '-d'], (p) => p.waitFor(/Container \S+ Started/), 'up killed after the first Started');
  ok(await cli(['down', '-t', '0']), 'down after the killed ups');
  await killDuring(['up', '-d'], (p) => p.waitFor(/Network \S+ Created/), 'up killed after a network was created');

  const converge = async (what: string) => {
    ok(await cli(['up', '-d']), what);
    const rows = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a'));
    assert.deepEqual(rows.map((r) => r.Service).sort(), SERVICES, `every service exactly once after ${what}: ${JSON.stringify(rows)}`);
    assert.ok(rows.every((r) => r.State === 'running'), `all running after ${what}: ${JSON.stringify(rows)}`);
    assert.deepEqual(rows.map((r) => r.Name).sort(), SERVICES.map((s) => `${e.project}-${s}-1`));
    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${env.WEB_PORT}/`, { signal: AbortSignal.timeout(3000) });
      return (await res.text()).trim();
    }, { timeoutMs: 30_000, intervalMs: 200 });
    assert.equal(text, 'up');
    // converged means stable: the next up changes nothing
    const again = ok(await cli(['up', '-d']), `no-op up after ${what}`);
    assert.doesNotMatch(again.stderr, /Creat|Recreat|Start|Remov/, again.stderr);
  };
  await converge('up after the killed ups');
  await killDuring(['up', '-d', '--force-recreate'], (p) => p.waitFor(/Container \S+ Recreate\b/), 'up --force-recreate killed mid-recreate');
  await killDuring(['up', '-d', '--force-recreate'], (p) => p.waitFor(/Container \S+ Recreated/), 'up --force-recreate killed after the first Recreated');
  await converge('up after the killed recreates');

  // kill points of down: after the first Stopping, after the first Removed, right after spawn
  await killDuring(['down', '-v', '-t', '0'], (p) => p.waitFor(/Container \S+ Remov/), 'down killed while removing');
  await converge('up after a killed down');
  await killDuring(['down', '-v', '-t', '0'], (p) => p.waitFor(/Container \S+ Removed/), 'down killed after the first Removed');
  await killDuring(['down', '-v', '-t', '0'], (p) => p.waitFor(/Network \S+ Remov|Volume \S+ Remov/, 60_000).catch(() => undefined), 'down killed while removing networks');
  ok(await cli(['down', '-v', '-t', '0']), 'down after the killed downs');
  assert.equal(ok(await cli(['ps', '-a', '-q']), 'ps -a -q').stdout, '');
  assert.equal(ok(await tscompose(['volume', 'ls', '-q'], { env: e.env }), 'volume ls').stdout, '', 'down -v removed every volume');
  assert.equal(ok(await tscompose(['network', 'ls', '-q'], { env: e.env }), 'network ls').stdout.trim(), '', 'down removed every network');
  // e.cleanup (t.after) runs the leak check
});
