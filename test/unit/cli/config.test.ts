/**
 * `tscompose config` end to end: the built CLI on temp projects — formats, facets, flags, the error
 * output (file:line:col, key path, exit 1, no stack trace) and -o.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tscompose } from '../../helpers/cli.js';

const COMPOSE = `name: demo
services:
  web:
    image: nginx:\${TAG:-latest}
    ports: ["8080:80"]
    depends_on: [db]
    environment: [FROM_SHELL]
  db:
    image: postgres
    volumes: ["data:/var/lib/postgresql/data"]
  debug:
    image: busybox
    profiles: [debug]
volumes:
  data: {}
`;

function project(files: Record<string, string>): { dir: string; done: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tscompose-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const clean = { COMPOSE_FILE: undefined, COMPOSE_PROJECT_NAME: undefined, COMPOSE_PROFILES: undefined, TAG: undefined, FROM_SHELL: undefined };

test('config prints canonical YAML by default', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const r = await tscompose(['config'], { cwd: p.dir, env: clean });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^name: demo\nservices:\n/);
  assert.match(r.stdout, /image: nginx:latest/);
  assert.match(r.stdout, /published: "8080"/);
  assert.match(r.stdout, /name: demo_data/);
  assert.doesNotMatch(r.stdout, /debug:/);
});

test('config --format json is the canonical model with long forms', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const r = await tscompose(['config', '--format', 'json'], { cwd: p.dir, env: { ...clean, FROM_SHELL: 'x' } });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.services.web.ports, [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
  assert.deepEqual(doc.services.web.depends_on, { db: { condition: 'service_started', required: true } });
  assert.deepEqual(doc.services.web.environment, { FROM_SHELL: 'x' });
  assert.deepEqual(Object.keys(doc), ['name', 'services', 'networks', 'volumes']);
});

test('config facets: --services, --volumes, --networks, --images, --profiles, --environment, --hash', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const run = async (...args: string[]) => {
    const r = await tscompose(['config', ...args], { cwd: p.dir, env: { ...clean, TAG: '1.27' } });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  assert.equal(await run('--services'), 'db\nweb\n');
  assert.equal(await run('--volumes'), 'data\n');
  assert.equal(await run('--networks'), 'default\n');
  assert.equal(await run('--images'), 'postgres\nnginx:1.27\n');
  assert.equal(await run('--profiles'), 'debug\n');
  assert.match(await run('--environment'), /^TAG=1\.27$/m);
  const hashes = (await run('--hash', '*')).trim().split('\n');
  assert.deepEqual(hashes.map((l) => l.split(' ')[0]), ['db', 'web']);
  assert.ok(hashes.every((l) => /^\w+ [0-9a-f]{64}$/.test(l)));
  assert.equal((await run('--hash', 'web')).trim(), hashes[1]);
});

test('config -q prints nothing and exits 0 on a valid project', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const r = await tscompose(['config', '-q'], { cwd: p.dir, env: clean });
  assert.deepEqual([r.code, r.stdout], [0, '']);
});

test('config SERVICE selects services (with dependencies) and enables their profiles', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const r = await tscompose(['config', '--services', 'debug'], { cwd: p.dir, env: clean });
  assert.equal(r.stdout, 'debug\n');
  const web = await tscompose(['config', '--services', 'web'], { cwd: p.dir, env: clean });
  assert.equal(web.stdout, 'db\nweb\n');
  const all = await tscompose(['--profile', 'debug', 'config', '--services'], { cwd: p.dir, env: clean });
  assert.equal(all.stdout, 'db\ndebug\nweb\n');
});

test('config --no-interpolate keeps ${} expressions; --variables lists them', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const raw = await tscompose(['config', '--no-interpolate'], { cwd: p.dir, env: clean });
  assert.equal(raw.code, 0, raw.stderr);
  assert.match(raw.stdout, /image: nginx:\$\{TAG:-latest\}/);
  const vars = await tscompose(['config', '--variables', '--format', 'json'], { cwd: p.dir, env: clean });
  assert.equal(vars.code, 0, vars.stderr);
  assert.deepEqual(JSON.parse(vars.stdout).TAG, { Name: 'TAG', DefaultValue: 'latest', PresenceValue: '', Required: false });
});

test('config --no-normalize leaves out the default network and resource names', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const doc = JSON.parse((await tscompose(['config', '--no-normalize', '--format', 'json'], { cwd: p.dir, env: clean })).stdout);
  assert.equal(doc.networks, undefined);
  assert.equal(doc.volumes.data.name, undefined);
});

test('config -o writes the output to a file', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const r = await tscompose(['config', '-o', 'out.yaml'], { cwd: p.dir, env: clean });
  assert.deepEqual([r.code, r.stdout], [0, '']);
  assert.match(readFileSync(path.join(p.dir, 'out.yaml'), 'utf8'), /^name: demo/);
});

test('config -f merges override files; -p names the project', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE, 'prod.yaml': 'services:\n  web:\n    image: nginx:prod\n' });
  t.after(p.done);
  const r = await tscompose(['-f', 'compose.yaml', '-f', 'prod.yaml', '-p', 'other', 'config', '--format', 'json'], { cwd: p.dir, env: clean });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.name, 'other');
  assert.equal(doc.services.web.image, 'nginx:prod');
});

test('a schema error prints file:line:col and the key path, exits 1, no stack trace', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    ports:\n      - "80"\n      - [1]\n' });
  t.after(p.done);
  const r = await tscompose(['config', '-q'], { cwd: p.dir, env: clean });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /compose\.yaml:6:9: validating: services\.web\.ports\[1\] must be/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a bad short syntax value names file:line:col and what was expected', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    ports: ["http:80"]\n' });
  t.after(p.done);
  const r = await tscompose(['config'], { cwd: p.dir, env: clean });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /compose\.yaml:4:\d+: services\.web\.ports\[0\]: invalid published port "http": expected a port number/);
});

test('an unknown key and a YAML syntax error both exit 1 with a position', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    restrat: always\n', 'broken.yaml': 'services:\n  web: [\n' });
  t.after(p.done);
  const unknown = await tscompose(['config'], { cwd: p.dir, env: clean });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /compose\.yaml:4:5: validating: services\.web additional properties 'restrat' not allowed/);
  const broken = await tscompose(['-f', 'broken.yaml', 'config'], { cwd: p.dir, env: clean });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken\.yaml:\d+:\d+/);
});

test('warnings go to stderr: unset variables, ignored fields', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: a:${NOPE}\n    userns_mode: host\n' });
  t.after(p.done);
  const r = await tscompose(['config', '-q'], { cwd: p.dir, env: { ...clean, NOPE: undefined } });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /The "NOPE" variable is not set/);
  assert.match(r.stderr, /service "web": ignoring userns_mode/);
});

test('flag combinations and unknown services are usage errors', async (t) => {
  const p = project({ 'compose.yaml': COMPOSE });
  t.after(p.done);
  const both = await tscompose(['config', '--services', '--volumes'], { cwd: p.dir, env: clean });
  assert.equal(both.code, 1);
  assert.match(both.stderr, /cannot be combined/);
  const ghost = await tscompose(['config', 'ghost'], { cwd: p.dir, env: clean });
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /no such service: ghost/);
});

test('a missing required variable stops the load naming the variable, file and line', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    ports: ["${PORT:?set PORT}:80"]\n' });
  t.after(p.done);
  const r = await tscompose(['config'], { cwd: p.dir, env: { ...clean, PORT: undefined } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /compose\.yaml:4:\d+: error while interpolating services\.web\.ports\[0\]: required variable PORT is missing a value: set PORT/);
  assert.equal(r.stdout, '');
});

test('literal dollars are printed as $$ so the output loads again', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    command: ["echo", "$$HOME", "${X}"]\n' });
  t.after(p.done);
  const r = await tscompose(['config', '--format', 'json'], { cwd: p.dir, env: { ...clean, X: 'a$b' } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).services.web.command, ['echo', '$$HOME', 'a$$b']);
  const again = project({ 'compose.yaml': r.stdout });
  t.after(again.done);
  const r2 = await tscompose(['config', '--format', 'json'], { cwd: again.dir, env: clean });
  assert.deepEqual(JSON.parse(r2.stdout).services.web.command, ['echo', '$$HOME', 'a$$b']);
});

test('env files are read only for the services named (and their dependencies)', async (t) => {
  const p = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n  b:\n    image: x\n    env_file: /does-not-exist/.env\n' });
  t.after(p.done);
  assert.equal((await tscompose(['config', '-q', 'a'], { cwd: p.dir, env: clean })).code, 0);
  const all = await tscompose(['config', '-q'], { cwd: p.dir, env: clean });
  assert.equal(all.code, 1);
  assert.match(all.stderr, /service "b": env_file: env file \/does-not-exist\/\.env not found/);
});
