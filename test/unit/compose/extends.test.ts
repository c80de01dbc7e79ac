import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { applyExtends } from '../../../src/compose/extends.js';
import { parseYaml } from '../../../src/compose/yaml.js';
import { mergeTrees, stripMarkers } from '../../../src/compose/merge.js';

function project(t: { after: (fn: () => void) => void }, files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'tscompose-extends-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  const loaded: string[] = [];
  const loadFile = (p: string) => { loaded.push(p); return parseYaml(readFileSync(p, 'utf8'), p); };
  const run = (file = 'compose.yaml', events?: unknown[]) => applyExtends(loadFile(join(root, file)),
    { file: join(root, file), workingDir: root, loadFile, onExtends: (r) => events?.push(r) }) as any;
  return { root, run, loaded };
}

test('same-file extends: local keys win, lists append, command replaced', (t) => {
  const { run } = project(t, { 'compose.yaml': `
services:
  base:
    image: alpine
    command: echo base
    environment: {A: "1", B: "1"}
    ports: ["80:80"]
  web:
    extends: base
    command: echo web
    environment: {B: "2"}
    ports: ["81:81"]
` });
  const web = run().services.web;
  assert.equal(web.image, 'alpine');
  assert.equal(web.command, 'echo web');
  assert.deepEqual(web.environment, ['A=1', 'B=1', 'B=2']);
  assert.deepEqual(web.ports, ['80:80', '81:81']);
  assert.ok(!('extends' in web));
});

test('chains resolve recursively and each reference fires one event', (t) => {
  const events: unknown[] = [];
  const { run } = project(t, { 'compose.yaml': `
services:
  foo: {image: busybox, extends: bar}
  bar: {command: echo, extends: wee}
  wee: {extends: last, user: root}
  last: {image: python, hostname: h}
` });
  const s = run('compose.yaml', events).services;
  assert.equal(s.foo.image, 'busybox');
  assert.equal(s.foo.command, 'echo');
  assert.equal(s.foo.user, 'root');
  assert.equal(s.foo.hostname, 'h');
  assert.equal(s.bar.image, 'python');
  assert.equal(events.length, 3);
});

test('cycles are errors naming the chain', (t) => {
  const { run } = project(t, { 'compose.yaml': 'services:\n  a: {extends: b}\n  b: {extends: c}\n  c: {extends: a}\n' });
  assert.throws(() => run(), (e: any) => {
    assert.equal(e.code, 'E_EXTENDS');
    assert.match(e.message, /^Circular reference:\n  a in .*compose\.yaml\n  extends b in .*\n  extends c in .*\n  extends a in .*compose\.yaml$/);
    return true;
  });
});

test('unknown service and missing service key are errors', (t) => {
  const { run } = project(t, {
    'compose.yaml': 'services:\n  a: {extends: nope}\n',
    'other.yaml': 'services:\n  a: {extends: {file: x.yaml}}\n',
    'third.yaml': 'services:\n  a: {extends: {file: other.yaml, service: zz}}\n',
  });
  assert.throws(() => run(), /cannot extend service "a" in .*compose\.yaml: service "nope" not found/);
  assert.throws(() => run('other.yaml'), /^Error: extends\.a\.service is required$|extends\.a\.service is required/);
  assert.throws(() => run('third.yaml'), /service "zz" not found in other\.yaml/);
});

test('another file: relative paths are rebased onto that file\'s folder', (t) => {
  const { run } = project(t, {
    'compose.yaml': `
services:
  web:
    extends: {file: sub/base.yaml, service: app}
    hostname: web
`,
    'sub/base.yaml': `
services:
  app:
    image: app
    build: {context: ., additional_contexts: {extra: ../shared, remote: "https://example.com/x.git"}}
    env_file: [./app.env, {path: /abs.env}]
    label_file: labels.txt
    volumes: ["./data:/data", "named:/named", "/abs:/abs", {type: bind, source: ./cfg, target: /cfg}]
  unused: {image: nope}
`,
  });
  const web = run().services.web;
  assert.equal(web.hostname, 'web');
  assert.equal(web.build.context, 'sub');
  assert.deepEqual(web.build.additional_contexts, { extra: 'shared', remote: 'https://example.com/x.git' });
  assert.deepEqual(web.env_file, ['sub/app.env', { path: '/abs.env' }]);
  assert.equal(web.label_file, 'sub/labels.txt');
  assert.deepEqual(web.volumes, ['./sub/data:/data', 'named:/named', '/abs:/abs', { type: 'bind', source: 'sub/cfg', target: '/cfg' }]);
});

test('nested extends inside another file resolve against the working directory after rebasing', (t) => {
  const { run, loaded } = project(t, {
    'compose.yaml': 'services:\n  a: {extends: {file: x/one.yaml, service: one}}\n  b: {extends: {file: x/one.yaml, service: one}}\n',
    'x/one.yaml': 'services:\n  one: {extends: {file: two.yaml, service: two}, user: u}\n',
    'x/two.yaml': 'services:\n  two: {image: two, build: ../ctx}\n',
  });
  const s = run().services;
  assert.equal(s.a.image, 'two');
  assert.equal(s.a.user, 'u');
  assert.equal(s.a.build, 'ctx');
  assert.equal(loaded.filter((p) => p.endsWith('one.yaml')).length, 1, 'each extended file is loaded once');
});

test('!reset and !override in the extending service', (t) => {
  const { run } = project(t, { 'compose.yaml': `
services:
  base: {image: a, command: echo, volumes: [".:/src"], depends_on: [c]}
  foo:
    extends: base
    volumes: !reset []
    depends_on: !override [d]
  c: {image: c}
  d: {image: d}
` });
  const foo = stripMarkers(run().services.foo) as any;
  assert.ok(!('volumes' in foo));
  assert.deepEqual(foo.depends_on, ['d']);
});

test('markers of an extending service still apply to earlier files', (t) => {
  const { run } = project(t, { 'o.yaml': 'services:\n  base: {image: b}\n  web:\n    extends: base\n    ports: !reset []\n' });
  const earlier = { services: { web: { image: 'w', ports: ['1:1'] } } };
  const merged = mergeTrees(earlier, run('o.yaml')) as any;
  assert.ok(!('ports' in merged.services.web));
  assert.equal(merged.services.web.image, 'b');
});

test('extending a null service keeps the local definition', (t) => {
  const { run } = project(t, { 'compose.yaml': 'services:\n  nil:\n  a: {image: a, extends: nil}\n' });
  assert.deepEqual(run().services.a, { image: 'a' });
});

test('the input tree is not modified', (t) => {
  const { root } = project(t, {});
  const tree = { services: { a: { image: 'a' }, b: { extends: 'a' } } };
  const copy = structuredClone(tree);
  applyExtends(tree, { file: 'c.yaml', workingDir: root, loadFile: () => { throw new Error('no'); } });
  assert.deepEqual(tree, copy);
});

test('resolveFile maps references (remote loaders) and paths rebase onto the mapped file', (t) => {
  const { root } = project(t, { 'cache/remote/compose.yaml': 'services:\n  foo: {image: foo, env_file: env, build: .}\n' });
  const asked: string[] = [];
  const r = applyExtends({ services: { foo: { extends: { file: 'remote:compose.yaml', service: 'foo' } } } }, {
    file: join(root, 'compose.yaml'), workingDir: root,
    loadFile: (p) => parseYaml(readFileSync(p, 'utf8'), p),
    resolveFile: (ref) => { asked.push(ref); return join(root, 'cache', ref.replace('remote:', 'remote/')); },
  }) as any;
  assert.deepEqual(asked, ['remote:compose.yaml']);
  assert.deepEqual(r.services.foo, { image: 'foo', env_file: 'cache/remote/env', build: 'cache/remote' });
});
