/**
 * pre_start hooks on a real kernel: the hooks run in order as containers of their own before the service
 * starts, see its named volume and the service's + hook's environment, run again only when no replica runs,
 * and leave nothing behind on success; a failing hook stops the start with docker compose's message, its
 * container is kept (not shown by ps), replaced by the next attempt and removed by down.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collectMetas } from '../../runtime/container/meta.js';
import { pathsFor } from '../../runtime/store/paths.js';
import { ok } from '../helpers/cli-assert.js';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv } from '../helpers/e2e.js';
import { buildImage } from '../helpers/image-kit.js';
import { olderProcesses } from '../helpers/preexisting.js';
import { needsRoot } from '../helpers/root.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'PreStart');

interface PsJson { Name: string; Service: string; State: string }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

test('pre_start hooks: seed a volume before the service starts; a failing hook blocks the start', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  const older = olderProcesses();
  const e = await e2eEnv(t, { ignore: [older.ignore] });
  older.capture();
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');
  const ps = async () => psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a')).map((r) => [r.Name, r.State]).sort();
  // the store's own view, which ps does not give: every container with the hook label
  const hookContainers = () => collectMetas(pathsFor(e.env).containers).map((c) => c.meta).filter((m) => m.labels['com.docker.compose.hook'] === 'pre_start');

  ok(await cli(['up', '-d', 'app']), 'up -d app');
  // the service's command found the file when it started: the hook ran first, with the service's and its own env
  const seen = ok(await cli(['exec', 'app', 'cat', '/tmp/seen-at-start']), 'cat seen-at-start').stdout;
  assert.equal(seen, 'hello from-hook 0 /tmp\n');
  assert.equal(ok(await cli(['exec', 'app', 'cat', '/data/runs']), 'cat runs').stdout, 'run\n', 'the second hook ran after the first');
  assert.deepEqual(await ps(), [[`${e.project}-app-1`, 'running']]);
  assert.deepEqual(hookContainers(), [], 'a hook container that exited 0 is removed');

  // app runs: no replica is being started, so the hooks do not run again; a recreate runs them
  ok(await cli(['up', '-d', 'app']), 'second up -d app');
  assert.equal(ok(await cli(['exec', 'app', 'cat', '/data/runs']), 'cat runs').stdout, 'run\n');
  ok(await cli(['up', '-d', '--force-recreate', 'app']), 'up -d --force-recreate app');
  assert.equal(ok(await cli(['exec', 'app', 'cat', '/data/runs']), 'cat runs').stdout, 'run\nrun\n');

  // bad's hook exits 3: up fails naming the service, the status and the hook's stderr; bad is not started
  const failed = await cli(['up', '-d', 'bad']);
  assert.equal(failed.code, 1, failed.stderr + failed.stdout);
  assert.match(failed.stderr, /service "bad" pre_start\[0\] exited with code 3: migration refused \(hook container [0-9a-f]{12} retained for inspection\)/);
  const kept = hookContainers();
  assert.equal(kept.length, 1);
  assert.equal(kept[0]!.labels['com.docker.compose.service'], 'bad');
  assert.equal(kept[0]!.labels['com.docker.compose.oneoff'], undefined);
  assert.match(failed.stderr, new RegExp(kept[0]!.id.slice(0, 12)));
  const rows = await ps();
  assert.deepEqual(rows.map(([n]) => n), [`${e.project}-app-1`, `${e.project}-bad-1`], 'ps -a shows no hook container');
  assert.notEqual(rows[1]![1], 'running');

  // the next attempt removes the kept container first and keeps only its own
  assert.equal((await cli(['up', '-d', 'bad'])).code, 1);
  const again = hookContainers();
  assert.equal(again.length, 1);
  assert.notEqual(again[0]!.id, kept[0]!.id);

  // down removes everything, the kept hook container too (the leak check of e2eEnv proves nothing is left)
  ok(await cli(['down', '-v', '-t', '0']), 'down -v');
  assert.deepEqual(hookContainers(), []);
  assert.deepEqual(await ps(), []);
});
