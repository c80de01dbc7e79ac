import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { applyInclude, type IncludeLoadOptions } from '../../../src/compose/include.js';
import { parseYaml } from '../../../src/compose/yaml.js';
import { interpolateTree } from '../../../src/compose/interpolate.js';
import { stripMarkers, mergeTrees } from '../../../src/compose/merge.js';

/** A small stand-in for the loader: parse + interpolate + nested include + merge of the listed files. */
function setup(t: { after: (fn: () => void) => void }, files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'tscompose-include-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  const calls: IncludeLoadOptions[] = [];
  const loadProject = (o: IncludeLoadOptions): unknown => {
    calls.push(o);
    let model: unknown = {};
    for (const f of o.files) {
      const raw = interpolateTree(parseYaml(readFileSync(f, 'utf8'), f), (n) => o.env[n]).tree;
      const withIncludes = applyInclude(raw, { file: f, workingDir: o.projectDirectory, env: o.env, loadProject, chain: o.chain });
      model = mergeTrees(model, withIncludes);
    }
    return model;
  };
  const run = (file: string, env: Record<string, string> = {}) => {
    const path = join(root, file);
    const tree = interpolateTree(parseYaml(readFileSync(path, 'utf8'), path), (n) => env[n]).tree;
    return applyInclude(tree, { file: path, workingDir: root, env, loadProject }) as any;
  };
  return { root, run, calls };
}

test('short form imports services, networks, volumes; the include key goes away', (t) => {
  const { run, root, calls } = setup(t, {
    'compose.yaml': 'include:\n  - sub/inc.yaml\nservices:\n  a: {image: a}\n',
    'sub/inc.yaml': 'services:\n  b: {image: b}\nnetworks:\n  n: {}\nvolumes:\n  v: {}\n',
  });
  const r = run('compose.yaml');
  assert.ok(!('include' in r));
  assert.deepEqual(Object.keys(r.services).sort(), ['a', 'b']);
  assert.ok('n' in r.networks && 'v' in r.volumes);
  assert.equal(calls[0]!.projectDirectory, join(root, 'sub'));
  assert.deepEqual(calls[0]!.files, [join(root, 'sub/inc.yaml')]);
});

test('long form: several paths, project_directory, env_file feeding only the included files', (t) => {
  const { run, root, calls } = setup(t, {
    'compose.yaml': `
include:
  - path: [mod/a.yaml, mod/b.yaml]
    project_directory: other
    env_file: custom.env
services:
  main: {image: "m-\${VAR_NAME:-unset}"}
`,
    'custom.env': 'VAR_NAME=value\nSHARED=file\n',
    'mod/a.yaml': 'services:\n  x: {image: "x-${VAR_NAME}", user: "${SHARED}"}\n',
    'mod/b.yaml': 'services:\n  x: {hostname: b}\n',
  });
  const r = run('compose.yaml', { SHARED: 'project' });
  assert.equal(r.services.main.image, 'm-unset');
  assert.equal(r.services.x.image, 'x-value');
  assert.equal(r.services.x.user, 'project', 'the including project\'s environment wins over the include env_file');
  assert.equal(r.services.x.hostname, 'b');
  assert.equal(calls[0]!.projectDirectory, join(root, 'other'));
  assert.deepEqual(calls[0]!.envFiles, [join(root, 'custom.env')]);
});

test('the included project\'s own .env is used when no env_file is given', (t) => {
  const { run } = setup(t, {
    'compose.yaml': 'include:\n  - sub/inc.yaml\n',
    'sub/.env': 'TAG=1.2\n',
    'sub/inc.yaml': 'services:\n  b: {image: "b:${TAG}"}\n',
  });
  assert.equal(run('compose.yaml').services.b.image, 'b:1.2');
});

test('a missing include env_file is an error', (t) => {
  const { run } = setup(t, { 'compose.yaml': 'include:\n  - path: inc.yaml\n    env_file: nope.env\n', 'inc.yaml': 'services: {}\n' });
  assert.throws(() => run('compose.yaml'), /nope\.env: no such file or directory/);
});

test('include cycles are detected and listed', (t) => {
  const { run, root } = setup(t, {
    'compose.yaml': 'include:\n  - a.yaml\n',
    'a.yaml': 'include:\n  - b.yaml\nservices: {}\n',
    'b.yaml': 'include:\n  - a.yaml\nservices: {}\n',
  });
  assert.throws(() => run('compose.yaml'), (e: any) => {
    assert.equal(e.code, 'E_INCLUDE');
    assert.equal(e.message, `include cycle detected:\n${join(root, 'compose.yaml')}\n include ${join(root, 'a.yaml')}\n include ${join(root, 'b.yaml')}\n include ${join(root, 'a.yaml')}`);
    return true;
  });
  const self = setup(t, { 'compose.yaml': 'include:\n  - compose.yaml\n' });
  assert.throws(() => self.run('compose.yaml'), /^Error: include cycle detected|include cycle detected/);
});

test('a resource both included and declared locally merges, the local definition winning', (t) => {
  const { run } = setup(t, {
    'compose.yaml': 'include:\n  - inc.yaml\nservices:\n  bar:\n    image: busybox\n    environment: !override\n      - ZOT=QIX\n',
    'inc.yaml': 'services:\n  bar:\n    image: included\n    environment: [A=1]\n    user: u\n',
  });
  const bar = stripMarkers(run('compose.yaml').services.bar);
  assert.deepEqual(bar, { image: 'busybox', environment: ['ZOT=QIX'], user: 'u' });
});

test('malformed include sections are errors', (t) => {
  const { run } = setup(t, {
    'a.yaml': 'include: inc.yaml\n',
    'b.yaml': 'include:\n  - project_directory: x\n',
  });
  assert.throws(() => run('a.yaml'), /`include` must be a list/);
  assert.throws(() => run('b.yaml'), /include\[0\]\.path is required/);
});
