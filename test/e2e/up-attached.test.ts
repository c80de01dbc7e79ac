/**
 * Attached `up` on a real project (testdata/UpAttached): with --exit-code-from the job's exit code 3 is up's,
 * the long-running service is stopped (not removed) and every step is told on stdout/stderr as docker
 * compose does; then an attached `up long` interrupted by SIGINT stops it gracefully. Leak check via e2eEnv.
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

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'UpAttached');

interface PsJson { Name: string; Service: string; State: string; ExitCode: number }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

test('attached up: --exit-code-from returns the job\'s code and stops the rest; SIGINT stops gracefully', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox');

  const refused = await cli(['up', '-d', '--abort-on-container-exit']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--detach cannot be combined with --abort-on-container-exit/);
  assert.equal((await cli(['up', '--attach', 'nosuch'])).code, 1);

  const r = await cli(['up', '--exit-code-from', 'job']);
  assert.equal(r.code, 3, `up --exit-code-from job:\n${r.stderr}\n${r.stdout}`);
  assert.match(r.stdout, /^Attaching to job-1, long-1$/m);
  assert.match(r.stdout, /^job-1 {3}\| job starting$/m);
  assert.match(r.stdout, /^job-1 {3}\| job done$/m);
  assert.match(r.stdout, /^long-1 {2}\| long running$/m);
  assert.match(r.stdout, /^job-1 exited with code 3$/m);
  assert.match(r.stdout, /^long-1 {2}\| long got TERM$/m, 'the other service was stopped with its stop signal');
  assert.match(r.stdout, /^long-1 exited with code 0$/m);
  assert.ok(r.stdout.indexOf('job done') < r.stdout.indexOf('job-1 exited with code 3'), 'the last lines come before the exit');
  assert.match(r.stderr, /Aborting on container exit\.\.\./);
  assert.match(r.stderr, new RegExp(`Container ${e.project}-long-1 Stopped`));
  const rows = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a'));
  assert.deepEqual(rows.map((x) => `${x.Service}:${x.State}:${x.ExitCode}`).sort(), ['job:exited:3', 'long:exited:0']);

  // attached `up long`, interrupted: a graceful stop, the container stays (exited), up exits 130
  const child = spawnCli(['-p', e.project, 'up', 'long'], { cwd, env: e.env, timeoutMs: 600_000 });
  e.defer(() => { child.kill('SIGKILL'); return child.done; });
  await eventually(() => assert.match(child.stdout(), /^long-1 {2}\| long running$/m, `${child.stdout()}${child.stderr()}`), { timeoutMs: 60_000 });
  assert.match(child.stdout(), /^Attaching to long-1$/m, 'a named service is attached without its dependencies');
  child.kill('SIGINT');
  assert.equal((await child.done).code, 130, `${child.stdout()}${child.stderr()}`);
  assert.match(child.stderr(), /Gracefully Stopping\.\.\. press Ctrl\+C again to force/);
  assert.match(child.stdout(), /^long-1 {2}\| long got TERM$/m);
  assert.match(child.stdout(), /^long-1 exited with code 0$/m);
  const after = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a after SIGINT'));
  assert.equal(after.find((x) => x.Service === 'long')?.State, 'exited', 'stopped, not removed');
  assert.equal(after.find((x) => x.Service === 'job')?.ExitCode, 3, 'the job (not named) was left alone');
});
