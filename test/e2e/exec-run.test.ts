/**
 * exec, run and cp on a 2-service busybox project (web depends on db), without a terminal (the CLI's
 * stdio are pipes here; tty.test.ts covers the terminal under tmux). One scenario, many checks:
 * run starts the dependency first; exec's exit codes, -e/-u/-w, -d and its errors; run --rm's output,
 * exit code and no container left; --entrypoint, -e, -u/-w, -v; run -d's name; cp in and out.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { buildImage } from '../helpers/image-kit.js';
import { olderProcesses } from '../helpers/preexisting.js';
import { needsRoot } from '../helpers/root.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'ExecRun');

interface PsJson { Name: string; Service: string; State: string; Labels: string; ExitCode: number }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson);

test('exec, run and cp without a terminal', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  // children of containers that ran before this test (other runs on this machine) are not its leaks
  const older = olderProcesses();
  const e = await e2eEnv(t, { ignore: [older.ignore] });
  older.capture();
  const cli = (args: string[], env: Record<string, string> = {}) => tscompose(['-p', e.project, ...args], { cwd, env: { ...e.env, ...env }, timeoutMs: 120_000 });
  // --remove-orphans: the exited one-off of `run -d` is an orphan, as in docker compose
  e.defer(() => cli(['down', '--remove-orphans', '-t', '0']));
  const host = await mkdtemp(path.join(os.tmpdir(), 'tsc-execrun-'));
  e.defer(() => rm(host, { recursive: true, force: true }));
  const image = await buildImage('busybox');
  ok(await tscompose(['image', 'load', '-i', image.archivePath], { env: e.env }), 'image load');
  const ps = async () => psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a'));

  // run before up: the dependency (db) comes up first, web's own replica is not created
  const first = ok(await cli(['run', '--rm', 'web', 'echo', 'first']), 'run --rm before up');
  assert.equal(first.stdout, 'first\n');
  assert.match(first.stderr, new RegExp(`Container ${e.project}-db-1 Started`));
  assert.deepEqual((await ps()).map((r) => [r.Name, r.State]), [[`${e.project}-db-1`, 'running']]);

  ok(await cli(['up', '-d']), 'up -d');

  // exec: output and exit codes
  const seven = await cli(['exec', 'web', 'sh', '-c', 'echo hi; exit 7']);
  assert.equal(seven.code, 7, seven.stderr);
  assert.equal(seven.stdout, 'hi\n');
  assert.equal((await cli(['exec', 'web', 'true'])).code, 0);
  // -e, -u (a name from the image's passwd), -w; the service's environment is there too
  const opts = ok(await cli(['exec', '-e', 'FOO=bar', '-e', 'FROM_CALLER', '-e', 'UNSET_HERE', '-u', 'nobody', '-w', '/tmp', 'web', 'sh', '-c', 'echo "$FOO $FROM_CALLER ${UNSET_HERE-none} $GREETING"; id -u; id -g; pwd'], { FROM_CALLER: 'caller' }), 'exec -e -u -w');
  assert.equal(opts.stdout, 'bar caller none hello\n65534\n65534\n/tmp\n');
  assert.equal(ok(await cli(['exec', 'web', 'pwd']), 'exec pwd').stdout, '/srv\n', 'working_dir of the service by default');
  // stdin reaches the command (-i is the default)
  assert.equal(ok(await tscompose(['-p', e.project, 'exec', '-T', 'web', 'cat'], { cwd, env: e.env, input: 'piped\n' }), 'exec cat').stdout, 'piped\n');
  // -d: returns at once, the command runs on
  const detached = ok(await cli(['exec', '-d', 'web', 'sh', '-c', 'sleep 1; echo later > /tmp/detached']), 'exec -d');
  assert.equal(detached.stdout, '');
  assert.equal(await eventually(async () => ok(await cli(['exec', 'web', 'cat', '/tmp/detached']), 'cat').stdout, { timeoutMs: 30_000, intervalMs: 300 }), 'later\n');
  // errors: docker compose's messages, exit 1
  const unknown = await cli(['exec', 'nope', 'true']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /service "nope" is not running/);
  const index = await cli(['exec', '--index', '2', 'web', 'true']);
  assert.equal(index.code, 1);
  assert.match(index.stderr, /service "web" is not running container #2/);
  const missing = await cli(['exec', 'web', 'no-such-command']);
  assert.equal(missing.code, 127, missing.stderr);

  // run --rm: output on the right streams, the exit code, nothing left behind
  const three = await cli(['run', '--rm', 'web', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(three.code, 3, three.stderr);
  assert.equal(three.stdout, 'out\n');
  assert.match(three.stderr, /^err$/m);
  assert.deepEqual((await ps()).map((r) => r.Name).sort(), [`${e.project}-db-1`, `${e.project}-web-1`]);
  // --entrypoint (the service command is dropped with it), -e, -l
  const envOut = ok(await cli(['run', '--rm', '-e', 'X=1', '-e', 'GREETING=bye', '--entrypoint', 'env', 'web']), 'run --entrypoint env').stdout.split('\n');
  assert.ok(envOut.includes('X=1') && envOut.includes('GREETING=bye'), envOut.join('\n'));
  assert.equal(ok(await cli(['run', '--rm', '--entrypoint', 'sh -c', 'web', 'echo "a b"']), 'run --entrypoint with words').stdout, 'a b\n');
  // -u, -w
  assert.equal(ok(await cli(['run', '--rm', '-u', 'nobody', '-w', '/tmp', 'web', 'sh', '-c', 'id -u; pwd']), 'run -u -w').stdout, '65534\n/tmp\n');
  // -v: a bind mount both ways
  await writeFile(path.join(host, 'in.txt'), 'from host\n');
  const bind = ok(await cli(['run', '--rm', '-v', `${host}:/mnt`, 'web', 'sh', '-c', 'cat /mnt/in.txt; echo from container > /mnt/out.txt']), 'run -v');
  assert.equal(bind.stdout, 'from host\n');
  assert.equal(await readFile(path.join(host, 'out.txt'), 'utf8'), 'from container\n');

  // run -d: prints the one-off's name; it is labelled one-off and runs on its own
  const d = ok(await cli(['run', '-d', '-l', 'purpose=test', 'web', 'sh', '-c', 'sleep 2; exit 5']), 'run -d');
  const name = d.stdout.trim();
  assert.match(name, new RegExp(`^${e.project}-web-run-[0-9a-f]{12}$`));
  const row = (await ps()).find((r) => r.Name === name);
  assert.ok(row, `ps -a lists ${name}`);
  assert.match(row.Labels, /com\.docker\.compose\.oneoff=True/);
  assert.match(row.Labels, /com\.docker\.compose\.slug=[0-9a-f]{64}/);
  assert.match(row.Labels, /purpose=test/);
  assert.doesNotMatch(row.Labels, /container-number/);
  const exited = await eventually(async () => {
    const r = (await ps()).find((x) => x.Name === name);
    assert.equal(r?.State, 'exited');
    return r!;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  assert.equal(exited.ExitCode, 5);

  // cp: a directory in, then out again
  await mkdir(path.join(host, 'tree', 'sub'), { recursive: true });
  await writeFile(path.join(host, 'tree', 'a.txt'), 'A\n');
  await writeFile(path.join(host, 'tree', 'sub', 'b.txt'), 'B\n');
  ok(await cli(['cp', path.join(host, 'tree'), 'web:/srv/']), 'cp in');
  assert.equal(ok(await cli(['exec', 'web', 'cat', '/srv/tree/a.txt', '/srv/tree/sub/b.txt']), 'cat copied').stdout, 'A\nB\n');
  ok(await cli(['exec', 'web', 'sh', '-c', 'echo C > /srv/tree/sub/c.txt']), 'write in the container');
  await mkdir(path.join(host, 'back'));
  ok(await cli(['cp', 'web:/srv/tree', path.join(host, 'back')]), 'cp out');
  assert.equal(await readFile(path.join(host, 'back', 'tree', 'a.txt'), 'utf8'), 'A\n');
  assert.equal(await readFile(path.join(host, 'back', 'tree', 'sub', 'c.txt'), 'utf8'), 'C\n');
  ok(await cli(['cp', 'web:/srv/tree/a.txt', path.join(host, 'single.txt')]), 'cp a file out to a new name');
  assert.equal(await readFile(path.join(host, 'single.txt'), 'utf8'), 'A\n');
  const nocp = await cli(['cp', 'nope:/x', host]);
  assert.equal(nocp.code, 1);
  assert.match(nocp.stderr, /no container found for service "nope"/);

  // a plain down leaves one-off containers (docker compose's oneOffExclude) but a stopped one no longer holds the network
  ok(await cli(['down', '-t', '0']), 'down with an exited one-off present');
  assert.deepEqual((await ps()).map((r) => r.Name), [name], 'only the exited one-off is left');
  // --remove-orphans takes one-offs too, a running one included
  ok(await cli(['up', '-d']), 'up again');
  const running = ok(await cli(['run', '-d', 'web', 'sleep', '300']), 'run -d a long one-off').stdout.trim();
  assert.equal((await ps()).find((r) => r.Name === running)?.State, 'running');
  ok(await cli(['down', '--remove-orphans', '-t', '0']), 'down --remove-orphans');
  assert.deepEqual(await ps(), [], 'nothing left, the exited and the running one-off included');
});
