/**
 * The project lock, end to end (testdata/Concurrency): a second command on a project waits for the first
 * (saying so) and then finds its work done; two `up -d` started together on one project both succeed and
 * leave exactly one container per replica; a command on another project runs meanwhile, without waiting.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { spawnCli } from '../helpers/cli-spawn.js';
import { e2eEnv } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const WAITING = /waiting for another tscompose command working on project/;

const names = (r: CliResult): string[] => r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Name: string }).Name).sort();

// the timeout includes the wait for the machine-wide e2e lock, which other test files may hold for minutes
test('concurrency: one project serializes, two projects run in parallel', { skip: needsRoot, timeout: 1_200_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'Concurrency');
  const [p, q, r] = [e.project, `${e.project}q`, `${e.project}r`];
  const cli = (project: string, a: string[]) => tscompose(['-p', project, ...a], { cwd, env: e.env, timeoutMs: 150_000 });
  for (const name of [p, q, r]) e.defer(() => cli(name, ['down', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  const expected = (project: string) => ['gated-1', 'gated-2', 'quick-1', 'slow-1'].map((s) => `${project}-${s}`);

  // a full up of p holds p's lock while gated waits for slow to turn healthy (~10 s)
  const first = spawnCli(['-p', p, 'up', '-d'], { cwd, env: e.env });
  await first.waitFor(new RegExp(`Container ${p}-slow-1 Started`));
  assert.equal(first.exited(), false, 'the first up is still waiting for slow');

  // another project meanwhile: no wait, done while p's up still runs
  const other = ok(await cli(q, ['up', '-d', '--no-deps', 'quick']), 'up on another project');
  assert.doesNotMatch(other.stderr, WAITING);
  assert.match(other.stderr, new RegExp(`Container ${q}-quick-1 Started`));
  assert.equal(first.exited(), false, `project ${q} did not wait for project ${p}:\n${first.stderr()}`);

  // the same project: waits, says so, and finds the first one's work done
  const second = ok(await cli(p, ['up', '-d', '--no-deps', 'quick']), 'second up on the same project');
  assert.match(second.stderr, WAITING);
  assert.equal(first.exited(), true, 'the second up returned only after the first one finished');
  ok(await first.done, 'the first up');
  assert.doesNotMatch(second.stderr, /Creat|Start/, second.stderr);
  assert.deepEqual(names(ok(await cli(p, ['ps', '-a', '--format', 'json']), 'ps -a')), expected(p));

  // two ups started together on one project: both succeed, one container per replica
  const a = spawnCli(['-p', r, 'up', '-d'], { cwd, env: e.env });
  const b = spawnCli(['-p', r, 'up', '-d'], { cwd, env: e.env });
  const [ra, rb] = await Promise.all([a.done, b.done]);
  ok(ra, 'concurrent up A');
  ok(rb, 'concurrent up B');
  assert.ok(WAITING.test(ra.stderr) || WAITING.test(rb.stderr), `one of them waited:\n--- A\n${ra.stderr}\n--- B\n${rb.stderr}`);
  // whichever waited found nothing to create
  const waited = WAITING.test(ra.stderr) ? ra : rb;
  assert.doesNotMatch(waited.stderr, /Creat/, waited.stderr);
  assert.deepEqual(names(ok(await cli(r, ['ps', '-a', '--format', 'json']), 'ps -a')), expected(r));
  const running = ok(await cli(r, ['ps', '--format', 'json']), 'ps');
  assert.equal(names(running).length, 4, running.stdout);

  for (const name of [p, q, r]) ok(await cli(name, ['down', '-t', '0']), `down ${name}`);
  assert.deepEqual(names(ok(await cli(p, ['ps', '-a', '--format', 'json']), 'ps -a after down')), []);
});
