/**
 * The first end-to-end path through the product: image load → up -d → ps → the published port answers →
 * a no-op up → an environment change recreates only that service → down leaves nothing (leak check).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { buildImage } from '../helpers/image-kit.js';
import { pushImage, startRegistry } from '../helpers/registry.js';
import { needsRoot } from '../helpers/root.js';
import { ok } from '../helpers/cli-assert.js';
import { findFreePort as freePort } from '../helpers/registry.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

interface PsJson { ID: string; Name: string; Service: string; State: string; Project: string; Ports: string }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

async function get(port: number, page = 'index.html'): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/${page}`, { signal: AbortSignal.timeout(3000) });
  return (await res.text()).trim();
}

test('up -d, ps, no-op up, recreate on an environment change, down', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const port = await freePort();
  const cwd = path.join(testdata, 'ComposeUp');
  const env = (greeting: string) => ({ ...e.env, WEB_PORT: String(port), GREETING: greeting });
  const cli = (args: string[], greeting = 'hello') => tscompose(['-p', e.project, ...args], { cwd, env: env(greeting), timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));

  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');

  const first = ok(await cli(['up', '-d']), 'up -d');
  assert.match(first.stderr, new RegExp(`Network ${e.project}_default Created`));
  assert.match(first.stderr, new RegExp(`Container ${e.project}-web-1 Started`));
  assert.match(first.stderr, new RegExp(`Container ${e.project}-client-1 Started`));
  // the dependency starts before its dependant
  assert.ok(first.stderr.indexOf(`${e.project}-web-1 Started`) < first.stderr.indexOf(`${e.project}-client-1 Starting`), first.stderr);

  const rows = psRows(ok(await cli(['ps', '--format', 'json']), 'ps'));
  assert.deepEqual(rows.map((r) => [r.Name, r.Service, r.State, r.Project]), [
    [`${e.project}-client-1`, 'client', 'running', e.project],
    [`${e.project}-web-1`, 'web', 'running', e.project],
  ]);
  assert.equal(rows[1]!.Ports, `127.0.0.1:${port}->8080/tcp`);
  const table = ok(await cli(['ps']), 'ps table').stdout;
  assert.match(table, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/m);
  assert.match(table, new RegExp(`^${e.project}-web-1\\s+busybox\\s+.*web\\s+.*Up `, 'm'));
  assert.equal(await eventually(() => get(port), { timeoutMs: 30_000, intervalMs: 200 }), 'hello');

  const idsBefore = new Map(rows.map((r) => [r.Service, r.ID]));
  const again = ok(await cli(['up', '-d']), 'second up -d');
  assert.doesNotMatch(again.stderr, /Creat|Recreat|Start/, 'a second up with no change touches nothing');
  assert.match(again.stderr, new RegExp(`Container ${e.project}-web-1 Running`));
  assert.deepEqual(new Map(psRows(await cli(['ps', '--format', 'json'])).map((r) => [r.Service, r.ID])), idsBefore);

  const changed = ok(await cli(['up', '-d'], 'bye'), 'up -d after an environment change');
  assert.match(changed.stderr, new RegExp(`Container ${e.project}-web-1 Recreated`));
  assert.doesNotMatch(changed.stderr, /client-1 (Recreate|Creat|Start)/);
  const after = new Map(psRows(await cli(['ps', '--format', 'json'], 'bye')).map((r) => [r.Service, r.ID]));
  assert.equal(after.get('client'), idsBefore.get('client'));
  assert.notEqual(after.get('web'), idsBefore.get('web'));
  assert.equal(await eventually(async () => {
    const text = await get(port);
    assert.equal(text, 'bye');
    return text;
  }, { timeoutMs: 30_000, intervalMs: 200 }), 'bye');
  assert.equal(await get(port, 'first.html'), 'hello', 'the recreated container kept the anonymous volume');

  // a container that exited is started again by up, on a new network namespace: the port answers again
  const state = JSON.parse(readFileSync(path.join(e.root, 'containers', after.get('web')!, 'state.json'), 'utf8')) as { pid: number };
  process.kill(state.pid, 'SIGKILL');
  await eventually(async () => assert.equal(psRows(await cli(['ps', '-a', '--format', 'json'], 'bye')).find((r) => r.Service === 'web')?.State, 'exited'), { timeoutMs: 30_000, intervalMs: 200 });
  const restarted = ok(await cli(['up', '-d'], 'bye'), 'up -d after web exited');
  assert.match(restarted.stderr, new RegExp(`Container ${e.project}-web-1 Started`));
  assert.doesNotMatch(restarted.stderr, /Recreate/);
  assert.equal(await eventually(async () => {
    const text = await get(port);
    assert.equal(text, 'bye');
    return text;
  }, { timeoutMs: 30_000, intervalMs: 200 }), 'bye');

  const unknown = await cli(['up', '-d', 'nosuch'], 'bye');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no such service: nosuch/);

  const down = ok(await cli(['down', '-v', '-t', '1'], 'bye'), 'down');
  assert.match(down.stderr, new RegExp(`Container ${e.project}-web-1 Removed`));
  assert.match(down.stderr, new RegExp(`Network ${e.project}_default Removed`));
  assert.equal(ok(await cli(['ps', '-a', '-q'], 'bye'), 'ps -a -q').stdout, '');
  assert.equal(ok(await tscompose(['volume', 'ls', '-q'], { env: e.env }), 'volume ls').stdout, '', 'down -v removed the anonymous volume');
  // e.cleanup (t.after) runs the leak check: no container, mount, veth, bridge or iptables rule left
});

test('up -d with a container that cannot start names it and exits 1', { skip: needsRoot, timeout: 180_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'ComposeUpFailingStart');
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-t', '0']));
  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');
  const r = await cli(['up', '-d']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`${e.project}-broken-1`));
  assert.match(r.stderr, /no\/such\/program/);
  assert.doesNotMatch(r.stderr, /internal error/);
  ok(await cli(['down', '-t', '0']), 'down');
});

test('a service_healthy dependency gates the start; --wait returns once all are healthy or running', { skip: needsRoot, timeout: 180_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'ComposeUpHealthGated');
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-t', '0']));
  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');
  const r = ok(await cli(['up', '-d', '--wait', '--wait-timeout', '60']), 'up -d --wait');
  const healthy = r.stderr.indexOf(`Container ${e.project}-db-1 Healthy`);
  assert.ok(healthy >= 0, r.stderr);
  assert.ok(healthy < r.stderr.indexOf(`Container ${e.project}-app-1 Starting`), `app starts only once db is healthy:\n${r.stderr}`);
  const rows = psRows(ok(await cli(['ps', '--format', 'json']), 'ps')) as Array<PsJson & { Health: string }>;
  assert.deepEqual(rows.map((x) => [x.Service, x.State, x.Health]), [['app', 'running', ''], ['db', 'running', 'healthy']]);
  ok(await cli(['down', '-t', '0']), 'down');
});

test('an image missing from the store is pulled by reference, and the next up finds it up to date', { skip: needsRoot, timeout: 180_000 }, async (t) => {
  const e = await e2eEnv(t);
  const reg = await startRegistry();
  e.defer(() => reg.stop());
  const image = await buildImage('busybox');
  await pushImage(reg, image.layoutDir, 'kit/busybox', 'latest');
  const ref = `${reg.host}/kit/busybox:latest`;
  const cwd = path.join(testdata, 'ComposeUpPull');
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: { ...e.env, IMAGE: ref }, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-t', '0']));
  const first = ok(await cli(['up', '-d']), 'up -d');
  assert.match(first.stderr, new RegExp(`Image ${ref.replace(/[.]/g, '\\.')} Pulled`));
  assert.match(first.stderr, new RegExp(`Container ${e.project}-app-1 Started`));
  const again = ok(await cli(['up', '-d']), 'second up -d');
  assert.doesNotMatch(again.stderr, /Pull|Recreate|Creat|Start/, again.stderr);
  ok(await cli(['down', '-t', '0']), 'down');
});
