/**
 * pre_start hooks on a real kernel: the hooks run in order as containers of their own before the service
 * starts, see its named volume and the service's + hook's environment, run again only when no replica runs,
 * and leave nothing behind on success; a failing hook stops the start with docker compose's message, its
 * container is kept (not shown by ps), replaced by the next attempt and removed by down.
 * Then (PreStartHooks): a hook image only in a loopback registry is pulled by up before anything starts;
 * attached up shows pre_start, post_start and pre_stop output under docker compose's sources while up -d
 * shows none; a kept hook container stays out of ls -a, stats -a and events (replayed with --since, live
 * until --until).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collectMetas } from '../../runtime/container/meta.js';
import { pathsFor } from '../../runtime/store/paths.js';
import { ok } from '../helpers/cli-assert.js';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { spawnCli } from '../helpers/cli-spawn.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { buildImage } from '../helpers/image-kit.js';
import { olderProcesses } from '../helpers/preexisting.js';
import { pushImage, startRegistry } from '../helpers/registry.js';
import { needsRoot } from '../helpers/root.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'PreStart');
const hooksCwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'PreStartHooks');
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

interface EventJson { action: string; id: string; service: string; attributes: Record<string, string> }
const eventRows = (out: string): EventJson[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EventJson);

test('hook images pulled by up, hook output in attached up, kept hook containers out of ls/stats/events', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  const older = olderProcesses();
  const e = await e2eEnv(t, { ignore: [older.ignore] });
  older.capture();
  const reg = await startRegistry();
  e.defer(() => reg.stop());
  const image = await buildImage('busybox');
  await pushImage(reg, image.layoutDir, 'hooks/tool', '1');
  const hookImage = `${reg.host}/hooks/tool:1`;
  const env = { ...e.env, HOOK_IMAGE: hookImage };
  const cli = (args: string[]) => tscompose(['-p', e.project, '--progress', 'plain', ...args], { cwd: hooksCwd, env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');
  const t0 = new Date(Date.now() - 1000).toISOString();
  const hookContainers = () => collectMetas(pathsFor(e.env).containers).map((c) => c.meta).filter((m) => m.labels['com.docker.compose.hook'] === 'pre_start');

  // the hook image is only in the registry: up -d pulls it (once, before web starts), the hook runs, nothing of its output shows
  const up = ok(await cli(['up', '-d', 'web']), 'up -d web');
  const pulled = `Image ${hookImage} Pulled`;
  assert.equal(up.stderr.split(pulled).length - 1, 1, up.stderr);
  assert.ok(up.stderr.indexOf(pulled) < up.stderr.indexOf(`Container ${e.project}-web-1 Started`), up.stderr);
  assert.doesNotMatch(up.stdout + up.stderr, /says|complains/, 'up -d shows no hook output');
  assert.equal(ok(await cli(['exec', 'web', 'cat', '/data/hooked']), 'cat hooked').stdout, 'hooked\n');
  assert.match(ok(await tscompose(['image', 'ls'], { env: e.env }), 'image ls').stdout, new RegExp(esc(`${reg.host}/hooks/tool`)));
  const again = ok(await cli(['up', '-d', '--force-recreate', 'web']), 'up -d --force-recreate web');
  assert.doesNotMatch(again.stderr, /Pull/, 'a stored hook image is not pulled again (pull_policy missing)');
  assert.doesNotMatch(again.stdout, /says/, 'no hook output in up -d, pre_stop included');
  ok(await cli(['stop', 'web']), 'stop web');

  // attached up: docker compose's hook sources, stdout and stderr alike; Ctrl-C runs pre_stop, shown too
  const child = spawnCli(['-p', e.project, 'up', 'web'], { cwd: hooksCwd, env, timeoutMs: 600_000 });
  e.defer(() => { child.kill('SIGKILL'); return child.done; });
  await eventually(() => assert.match(child.stdout(), /^web-1 +\| web running$/m, `${child.stdout()}${child.stderr()}`), { timeoutMs: 120_000 });
  child.kill('SIGINT');
  const attached = await child.done;
  assert.equal(attached.code, 130, `${attached.stdout}${attached.stderr}`);
  const out = attached.stdout;
  assert.match(out, /^web pre_start\[0\] -> +\| pre-start says$/m, out);
  assert.match(out, /^web pre_start\[0\] -> +\| pre-start complains$/m, out);
  assert.match(out, /^web-1 -> +\| post-start says$/m, out);
  assert.match(out, /^web-1 -> +\| post-start complains$/m, out);
  assert.match(out, /^web-1 -> +\| pre-stop says$/m, out);
  assert.ok(out.indexOf('pre-start says') < out.indexOf('post-start says'), 'pre_start runs before the start, post_start after');
  assert.ok(out.indexOf('post-start says') < out.indexOf('pre-stop says'));

  // bad's hook fails: its container is kept, and it is no container of the project for ls, stats or events
  ok(await cli(['up', '-d', 'web']), 'up -d web again');
  const failed = await cli(['up', '-d', 'bad']);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /service "bad" pre_start\[0\] exited with code 4: migration refused/);
  const kept = hookContainers();
  assert.equal(kept.length, 1);
  const ls = JSON.parse(ok(await cli(['ls', '-a', '--format', 'json']), 'ls -a').stdout) as Array<{ Name: string; Status: string }>;
  assert.equal(ls.find((x) => x.Name === e.project)?.Status, 'created(1), running(1)', JSON.stringify(ls));
  const stats = ok(await cli(['stats', '-a', '--no-stream', '--format', 'json']), 'stats -a');
  assert.deepEqual(stats.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Name: string }).Name), [`${e.project}-bad-1`, `${e.project}-web-1`]);

  // events --since replays what the state still shows; --until in the past ends right after
  const replay = eventRows(ok(await cli(['events', '--json', '--since', t0, '--until', new Date().toISOString()]), 'events --since --until').stdout);
  assert.ok(replay.length > 0);
  assert.deepEqual(replay.filter((x) => x.attributes.name.includes('pre_start')), [], 'no hook container');
  assert.ok(replay.some((x) => x.action === 'create' && x.attributes.name === `${e.project}-bad-1`), JSON.stringify(replay));
  assert.ok(replay.some((x) => x.action === 'start' && x.attributes.name === `${e.project}-web-1`), JSON.stringify(replay));

  // live until --until: web's stop shows (die, stop), bad's second failed hook container does not; then events ends by itself
  const t1 = new Date(Date.now() - 500);
  const events = spawnCli(['-p', e.project, 'events', '--json', '--since', t1.toISOString(), '--until', new Date(t1.getTime() + 45_000).toISOString()], { cwd: hooksCwd, env, timeoutMs: 300_000 });
  e.defer(() => { events.kill('SIGKILL'); return events.done; });
  ok(await cli(['stop', 'web']), 'stop web');
  assert.equal((await cli(['up', '-d', 'bad'])).code, 1);
  assert.notEqual(hookContainers()[0]?.id, kept[0]!.id, 'a new hook container replaced the kept one');
  const ended = await events.done;
  assert.equal(ended.code, 0, ended.stderr);
  assert.ok(Date.now() >= t1.getTime() + 45_000, 'events ran until --until');
  const live = eventRows(ended.stdout);
  assert.deepEqual(live.filter((x) => x.attributes.name.includes('pre_start')), [], 'no hook container, created or destroyed');
  assert.deepEqual(live.filter((x) => x.attributes.name === `${e.project}-web-1`).map((x) => x.action), ['die', 'stop'], JSON.stringify(live));

  ok(await cli(['down', '-v', '-t', '0']), 'down -v');
  assert.deepEqual(hookContainers(), [], 'down removes the kept hook container');
});
