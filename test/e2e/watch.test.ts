/**
 * develop.watch on a real project (testdata/Watch, copied to a temp dir since the test edits it): `watch web`
 * brings the project up and syncs the initial files, then a changed and a new nested file are served by httpd,
 * a deleted file is gone, an ignored file is not synced, a burst of 200 files is a few batches (not 200), a
 * touched `restart` path restarts the container (StartedAt changes), a sync+exec rule runs its command;
 * SIGINT ends watch with 0 and leaves the project running. Then `up --watch` syncs too and its Ctrl-C stops
 * the project, as attached up does; last, a rebuild rule (testdata/WatchRebuild) builds the image and
 * recreates the container, and SIGTERM ends watch with 0. Leak check via e2eEnv.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collectMetas } from '../../runtime/container/meta.js';
import { readShimState } from '../../runtime/container/state.js';
import { pathsFor } from '../../runtime/store/paths.js';
import { ok } from '../helpers/cli-assert.js';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { spawnCli } from '../helpers/cli-spawn.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { buildImage } from '../helpers/image-kit.js';
import { findFreePort as freePort } from '../helpers/registry.js';
import { needsRoot } from '../helpers/root.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'Watch');

interface PsJson { Service: string; State: string }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

// the timeout includes the wait for the machine-wide e2e lock, which other test files may hold for minutes
test('watch: sync, delete, ignore, a 200-file burst, restart, sync+exec; SIGINT leaves the project up; up --watch; rebuild', { skip: needsRoot, timeout: 1_500_000 }, async (t) => {
  const e = await e2eEnv(t);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsc-watch-'));
  e.defer(() => rm(dir, { recursive: true, force: true }));
  await cp(testdata, dir, { recursive: true });
  const port = await freePort();
  const env = { ...e.env, WEB_PORT: String(port) };
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd: dir, env, timeoutMs: 150_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-q', '-i', image.archivePath], { env: e.env }), 'image load');
  const site = (f: string) => path.join(dir, 'site', f);
  const get = async (f: string) => {
    const r = await fetch(`http://127.0.0.1:${port}/${f}`);
    return `${r.status} ${await r.text()}`;
  };
  const startedAt = () => {
    const c = collectMetas(pathsFor(e.env).containers).find((m) => m.meta.name === `${e.project}-web-1`);
    return c ? readShimState(c.bundle)?.startedAt : undefined;
  };

  const none = await cli(['watch', 'idle']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /none of the selected services is configured for watch, consider setting a 'develop' section/);

  const w = spawnCli(['-p', e.project, 'watch', 'web'], { cwd: dir, env, timeoutMs: 500_000 });
  e.defer(() => { w.kill('SIGKILL'); return w.done; });
  const out = () => `${w.stdout()}${w.stderr()}`;
  await eventually(() => assert.match(w.stdout(), /^Watch enabled$/m, out()), { timeoutMs: 150_000 });
  assert.equal(await eventually(() => get('index.html'), { timeoutMs: 30_000 }), '200 v1\n', 'initial_sync copied the site');

  // a change, a new nested file and an ignored file in one save; then a deletion
  await writeFile(site('index.html'), 'v2\n');
  await mkdir(site('sub'));
  await writeFile(site('sub/page.html'), 'page\n');
  await writeFile(site('draft.tmp'), 'secret\n');
  await eventually(async () => assert.equal(await get('sub/page.html'), '200 page\n', out()), { timeoutMs: 30_000 });
  assert.equal(await get('index.html'), '200 v2\n');
  assert.match(w.stdout(), /^Syncing service "web" after \d+ changes were detected$/m);
  assert.equal((await get('draft.tmp')).slice(0, 3), '404', 'the ignored file is not synced');
  await rm(site('old.html'));
  await eventually(async () => assert.equal((await get('old.html')).slice(0, 3), '404', out()), { timeoutMs: 30_000 });

  // a burst: 200 files written at once arrive in a handful of batches, not 200 syncs
  const linesBefore = w.stdout().split('\n').filter((l) => l.startsWith('Syncing service')).length;
  await mkdir(site('burst'));
  await Promise.all(Array.from({ length: 200 }, (_, i) => writeFile(site(`burst/f${i}.html`), `${i}\n`)));
  await eventually(async () => {
    const r = await cli(['exec', 'web', 'sh', '-c', 'ls /www/burst | wc -l']);
    assert.equal(r.stdout.trim(), '200', out());
  }, { timeoutMs: 60_000 });
  const burstLines = w.stdout().split('\n').filter((l) => l.startsWith('Syncing service')).slice(linesBefore);
  t.diagnostic(`burst of 200 files: ${burstLines.join(' / ')}`);
  assert.ok(burstLines.length >= 1 && burstLines.length <= 5, `the burst was batched: ${burstLines.join(' / ')}`);
  assert.equal(await get('burst/f123.html'), '200 123\n');

  // restart: the container starts anew and keeps what was synced
  const before = startedAt();
  assert.ok(before, 'web has a start time');
  await writeFile(path.join(dir, 'trigger', 'stamp'), 'y\n');
  await eventually(() => assert.notEqual(startedAt(), before, out()), { timeoutMs: 60_000 });
  await eventually(() => assert.match(w.stdout(), /^service\(s\) \["web"\] restarted$/m), { timeoutMs: 60_000 });
  assert.equal(await eventually(() => get('index.html'), { timeoutMs: 30_000 }), '200 v2\n');

  // sync+exec: only the changed file was synced (no initial sync for this rule), then the command ran
  await writeFile(path.join(dir, 'cmds', 'b.txt'), 'two\n');
  await eventually(async () => assert.equal((await cli(['exec', 'web', 'cat', '/tmp/exec-out'])).stdout, 'two\n', out()), { timeoutMs: 60_000 });

  w.kill('SIGINT');
  const r = await w.done;
  assert.equal(r.code, 0, out());
  assert.match(r.stdout, /^Watch disabled$/m);
  const rows = psRows(ok(await cli(['ps', '--format', 'json']), 'ps'));
  assert.deepEqual(rows.map((x) => `${x.Service}:${x.State}`).sort(), ['web:running'], 'watch web brought up web alone and leaves it running');

  // up --watch: attached, watching; Ctrl-C stops the services and the watch
  const up = spawnCli(['-p', e.project, 'up', '--watch', 'web'], { cwd: dir, env, timeoutMs: 300_000 });
  e.defer(() => { up.kill('SIGKILL'); return up.done; });
  await eventually(() => assert.match(up.stdout(), /^Watch enabled$/m, `${up.stdout()}${up.stderr()}`), { timeoutMs: 120_000 });
  await writeFile(site('index.html'), 'v3\n');
  await eventually(async () => assert.equal(await get('index.html'), '200 v3\n'), { timeoutMs: 30_000 });
  up.kill('SIGINT');
  const u = await up.done;
  assert.equal(u.code, 130, `${u.stdout}${u.stderr}`);
  const after = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a'));
  assert.equal(after.find((x) => x.Service === 'web')?.State, 'exited', 'up --watch stopped web on Ctrl-C');

  // rebuild: build the image, recreate the container (a project of its own: testdata/WatchRebuild)
  const rdir = await mkdtemp(path.join(os.tmpdir(), 'tsc-watch-rebuild-'));
  e.defer(() => rm(rdir, { recursive: true, force: true }));
  await cp(path.join(testdata, '..', 'WatchRebuild'), rdir, { recursive: true });
  const rp = `${e.project}r`;
  const rcli = (args: string[]) => tscompose(['-p', rp, ...args], { cwd: rdir, env: e.env, timeoutMs: 150_000 });
  e.defer(() => rcli(['down', '-v', '-t', '0']));
  ok(await rcli(['build']), 'build');
  const rw = spawnCli(['-p', rp, 'watch'], { cwd: rdir, env: e.env, timeoutMs: 300_000 });
  e.defer(() => { rw.kill('SIGKILL'); return rw.done; });
  const rout = () => `${rw.stdout()}${rw.stderr()}`;
  await eventually(() => assert.match(rw.stdout(), /^Watch enabled$/m, rout()), { timeoutMs: 120_000 });
  assert.equal(ok(await rcli(['exec', 'app', 'cat', '/version']), 'cat /version').stdout, 'v1\n');
  await writeFile(path.join(rdir, 'app', 'version'), 'v2\n');
  await eventually(async () => assert.equal((await rcli(['exec', 'app', 'cat', '/version'])).stdout, 'v2\n', rout()), { timeoutMs: 120_000 });
  assert.match(rw.stdout(), /^Rebuilding service\(s\) \["app"\] after changes were detected\.\.\.$/m);
  assert.match(rw.stdout(), /^service\(s\) \["app"\] successfully built$/m);
  assert.match(rw.stderr(), new RegExp(`Container ${rp}-app-1 Recreated`));
  rw.kill('SIGTERM');
  assert.equal((await rw.done).code, 0, rout());
});
