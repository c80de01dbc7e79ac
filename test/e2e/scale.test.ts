/**
 * Scale and orphans, end to end (testdata/Scale): --scale and deploy.replicas number containers as docker
 * compose does, scaling down removes the highest numbers and keeps the rest untouched, container_name with
 * more than one replica is refused before anything changes, and an orphan is reported, then removed with
 * --remove-orphans or COMPOSE_REMOVE_ORPHANS.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

interface PsJson { ID: string; Name: string; Service: string; State: string }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

// the timeout includes the wait for the machine-wide e2e lock, which other test files may hold for minutes
test('scale: --scale, deploy.replicas, scale down, container_name refusal, orphans', { skip: needsRoot, timeout: 1_200_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'Scale');
  const env = { ...e.env, PINNED_NAME: `${e.project}-pinned` };
  const cli = (args: string[], extra: Record<string, string> = {}) => tscompose(['-p', e.project, ...args], { cwd, env: { ...env, ...extra }, timeoutMs: 150_000 });
  const withExtra = ['-f', 'compose.yaml', '-f', 'extra.yaml'];
  e.defer(() => cli(['down', '--remove-orphans', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  const names = async () => psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a')).map((r) => r.Name).sort();
  const ids = async () => new Map(psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a')).map((r) => [r.Name, r.ID]));
  const p = e.project;

  ok(await cli([...withExtra, 'up', '-d', '--scale', 'worker=3']), 'up -d --scale worker=3');
  assert.deepEqual(await names(), [`${p}-extra-1`, `${p}-replicated-1`, `${p}-replicated-2`, `${p}-worker-1`, `${p}-worker-2`, `${p}-worker-3`]);
  const before = await ids();

  // scaling down removes the highest numbers; worker-1 and the replicas of other services stay as they are
  const down1 = ok(await cli(['up', '-d', '--scale', 'worker=1']), 'up -d --scale worker=1');
  assert.match(down1.stderr, new RegExp(`Container ${p}-worker-3 Removed`));
  assert.match(down1.stderr, new RegExp(`Container ${p}-worker-2 Removed`));
  assert.doesNotMatch(down1.stderr, new RegExp(`${p}-worker-1 (Remov|Recreat|Creat)`));
  // the extra service is gone from the file: its container is reported as an orphan, and kept
  assert.ok(down1.stderr.includes(`Found orphan containers ([${p}-extra-1]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`), down1.stderr);
  assert.deepEqual(await names(), [`${p}-extra-1`, `${p}-replicated-1`, `${p}-replicated-2`, `${p}-worker-1`]);
  const after = await ids();
  for (const n of [`${p}-worker-1`, `${p}-replicated-1`, `${p}-replicated-2`, `${p}-extra-1`]) assert.equal(after.get(n), before.get(n), `${n} was left as it was`);

  // a plain up keeps worker at the scale of the file (1) and still warns
  const plain = ok(await cli(['up', '-d']), 'up -d');
  assert.doesNotMatch(plain.stderr, /Creat|Remov|Start/, plain.stderr);
  assert.match(plain.stderr, /Found orphan containers/);

  // --remove-orphans removes it
  const removed = ok(await cli(['up', '-d', '--remove-orphans']), 'up -d --remove-orphans');
  assert.match(removed.stderr, new RegExp(`Container ${p}-extra-1 Removed`));
  assert.doesNotMatch(removed.stderr, /Found orphan containers/);
  assert.deepEqual(await names(), [`${p}-replicated-1`, `${p}-replicated-2`, `${p}-worker-1`]);

  // and so does COMPOSE_REMOVE_ORPHANS
  ok(await cli([...withExtra, 'up', '-d']), 'up -d with extra again');
  assert.ok((await names()).includes(`${p}-extra-1`));
  const byEnv = ok(await cli(['up', '-d'], { COMPOSE_REMOVE_ORPHANS: '1' }), 'COMPOSE_REMOVE_ORPHANS=1 up -d');
  assert.match(byEnv.stderr, new RegExp(`Container ${p}-extra-1 Removed`));
  assert.deepEqual(await names(), [`${p}-replicated-1`, `${p}-replicated-2`, `${p}-worker-1`]);

  // scaling up again fills the numbers after the ones kept
  ok(await cli(['up', '-d', '--scale', 'worker=2', '--scale', 'replicated=3']), 'up -d --scale worker=2 --scale replicated=3');
  assert.deepEqual(await names(), [`${p}-replicated-1`, `${p}-replicated-2`, `${p}-replicated-3`, `${p}-worker-1`, `${p}-worker-2`]);
  const running = psRows(ok(await cli(['ps', '--format', 'json']), 'ps'));
  assert.ok(running.every((r) => r.State === 'running'), JSON.stringify(running));

  // container_name and two replicas: refused before anything is created
  const pinned = await cli(['--profile', 'pinned', 'up', '-d', '--scale', 'pinned=2', 'pinned']);
  assert.equal(pinned.code, 1, pinned.stderr);
  assert.match(pinned.stderr, new RegExp(`"pinned" service is using the custom container name "${p}-pinned"`));
  assert.ok(!(await names()).some((n) => n.includes('pinned')), 'nothing was created');

  const down = ok(await cli(['down', '-t', '0']), 'down');
  assert.match(down.stderr, new RegExp(`Container ${p}-worker-2 Removed`));
  assert.deepEqual(await names(), []);
});
