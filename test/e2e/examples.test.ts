/**
 * The examples do what their READMEs promise, on the kit's offline images loaded into the test's own root:
 * the quickstart page and its Redis counter answer; web-redis starts web only after Redis is healthy; the
 * migration ran (and finished) before the app started; three workers run; the named volume keeps data across
 * `down` and `up`. Each example is brought up with -d and taken down with -v. Plus: every example passes
 * `config -q` through the built CLI (no root needed).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { findFreePort as freePort } from '../helpers/registry.js';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot, tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually, type E2eEnv } from '../helpers/e2e.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { needsRoot } from '../helpers/root.js';
import { ok } from '../helpers/cli-assert.js';

const examplesDir = path.join(repoRoot, 'examples');


async function get(port: number, page = ''): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/${page}`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200, `GET /${page}`);
  return (await res.text()).trim();
}

/** GET until the page matches (a fresh httpd or resolver may need a moment), then return it. */
function page(port: number, p: string, re: RegExp): Promise<string> {
  return eventually(async () => {
    const text = await get(port, p);
    assert.match(text, re);
    return text;
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

interface PsRow { Name: string; Service: string; State: string; ExitCode: number }
const psRows = (r: CliResult): PsRow[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsRow);

/** A CLI bound to one example, under its own project name, taken down (-v) at cleanup. */
function example(e: E2eEnv, name: string, env: Record<string, string> = {}) {
  const project = `${e.project}${name.replace(/[^a-z]/g, '').slice(0, 6)}`;
  const cli = (args: string[]) => tscompose(['-p', project, '-f', path.join(examplesDir, name, 'compose.yaml'), ...args], { env: { ...e.env, ...env }, timeoutMs: 240_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  return { project, cli };
}

test('every example passes config -q', async () => {
  const names = readdirSync(examplesDir);
  assert.ok(names.length >= 5, names.join(','));
  for (const name of names) ok(await tscompose(['-f', path.join(examplesDir, name, 'compose.yaml'), 'config', '-q'], { env: {} }), `config -q of ${name}`);
});

test('the examples do what their READMEs say', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  const e = await e2eEnv(t);
  await loadKitImages(e.env, 'busybox', 'redis');

  // quickstart: the README's first command, then the page and the counter
  {
    const port = await freePort();
    const { cli } = example(e, 'quickstart', { QUICKSTART_PORT: String(port) });
    ok(await cli(['up', '-d', '--wait']), 'quickstart up -d --wait');
    assert.match(await page(port, '', /Hello from tscompose/), /cgi-bin\/hits/);
    const first = Number(/visits: (\d+)/.exec(await page(port, 'cgi-bin/hits', /visits: \d+/))![1]);
    assert.equal(await get(port, 'cgi-bin/hits'), `visits: ${first + 1}`, 'the counter lives in redis');
    ok(await cli(['down', '-v']), 'quickstart down');
  }

  // web-redis: web starts only after redis is healthy
  {
    const port = await freePort();
    const { project, cli } = example(e, 'web-redis', { WEB_PORT: String(port) });
    const up = ok(await cli(['up', '-d']), 'web-redis up -d');
    const healthy = up.stderr.indexOf(`Container ${project}-redis-1 Healthy`);
    const started = up.stderr.indexOf(`Container ${project}-web-1 Started`);
    assert.ok(healthy >= 0 && started > healthy, `redis healthy before web started:\n${up.stderr}`);
    assert.match(await page(port, 'cgi-bin/hits', /visits: \d+/), /^visits: 1 \(served by \w+\)$/);
    ok(await cli(['down', '-v', '-t', '1']), 'web-redis down');
  }

  // migration: completed successfully before the app started, and the app saw its result
  {
    const port = await freePort();
    const { project, cli } = example(e, 'migration', { APP_PORT: String(port) });
    const up = ok(await cli(['up', '-d']), 'migration up -d');
    const exited = up.stderr.indexOf(`Container ${project}-migrate-1 Exited`);
    const starting = up.stderr.indexOf(`Container ${project}-app-1 Start`);
    assert.ok(exited >= 0 && starting > exited, `migrate exited before app started:\n${up.stderr}`);
    assert.equal(await page(port, '', /schema at start/), 'schema at start: 2');
    const migrate = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a')).find((r) => r.Service === 'migrate');
    assert.deepEqual([migrate?.State, migrate?.ExitCode], ['exited', 0]);
    ok(await cli(['down', '-v', '-t', '0']), 'migration down');
  }

  // scaled-worker: three workers, numbered 1..3
  {
    const { project, cli } = example(e, 'scaled-worker');
    ok(await cli(['up', '-d']), 'scaled-worker up -d');
    const workers = psRows(ok(await cli(['ps', '--format', 'json']), 'ps')).filter((r) => r.Service === 'worker');
    assert.deepEqual(workers.map((w) => [w.Name, w.State]).sort(), [1, 2, 3].map((n) => [`${project}-worker-${n}`, 'running']));
    ok(await cli(['down', '-v', '-t', '0']), 'scaled-worker down');
  }

  // two-networks: the named volume keeps db's data across down and up; down -v removes it
  {
    const port = await freePort();
    const { project, cli } = example(e, 'two-networks', { WEB_PORT: String(port) });
    ok(await cli(['up', '-d']), 'two-networks up -d');
    const n1 = Number(/count: (\d+)/.exec(await page(port, 'cgi-bin/count', /count: \d+/))![1]);
    assert.equal(await get(port, 'cgi-bin/count'), `count: ${n1 + 1}`);
    ok(await cli(['down', '-t', '0']), 'two-networks down');
    const vols = ok(await tscompose(['volume', 'ls', '-q'], { env: e.env }), 'volume ls').stdout.split('\n');
    assert.ok(vols.includes(`${project}_dbdata`), vols.join(','));
    ok(await cli(['up', '-d']), 'two-networks up -d again');
    assert.equal(await page(port, 'cgi-bin/count', /count: \d+/), `count: ${n1 + 2}`, 'the count went on from the volume');
    ok(await cli(['down', '-v', '-t', '0']), 'two-networks down -v');
    assert.ok(!ok(await tscompose(['volume', 'ls', '-q'], { env: e.env }), 'volume ls').stdout.includes(`${project}_dbdata`));
  }
});
