import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveComposeFiles } from '../../../src/compose/files.js';

function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'tscompose-files-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

test('discovery finds compose.yaml and its override in cwd', (t) => {
  const root = tree(t, { 'compose.yaml': 'a', 'compose.override.yaml': 'b' });
  const r = resolveComposeFiles({ cwd: root, files: [] });
  assert.deepEqual(r.configFiles, [{ path: join(root, 'compose.yaml'), content: 'a' },
    { path: join(root, 'compose.override.yaml'), content: 'b' }]);
  assert.equal(r.workingDir, root);
  assert.deepEqual(r.warnings, []);
});

test('discovery walks up to the nearest parent with a file', (t) => {
  const root = tree(t, { 'docker-compose.yml': 'x', 'a/b/c/.keep': '' });
  const r = resolveComposeFiles({ cwd: join(root, 'a/b/c'), files: [] });
  assert.deepEqual(r.configFiles.map((f) => f.path), [join(root, 'docker-compose.yml')]);
  assert.equal(r.workingDir, root);
});

test('several candidates: the first by preference wins, with a warning', (t) => {
  const root = tree(t, { 'docker-compose.yaml': '1', 'compose.yml': '2', 'docker-compose.override.yml': '3', 'compose.override.yml': '4' });
  const r = resolveComposeFiles({ cwd: root, files: [] });
  assert.deepEqual(r.configFiles.map((f) => f.content), ['2', '4']);
  assert.ok(r.warnings.some((w) => w.startsWith('Found multiple config files with supported names:')));
  assert.ok(r.warnings.includes(`Using ${join(root, 'compose.yml')}`));
  assert.ok(r.warnings.some((w) => w.startsWith('Found multiple override files')));
});

test('no file found is docker compose\'s error', (t) => {
  const root = tree(t, { 'empty/.keep': '' });
  assert.throws(() => resolveComposeFiles({ cwd: join(root, 'empty'), files: [] }), (e: any) => {
    assert.equal(e.message, 'no configuration file provided: not found');
    assert.equal(e.exitCode, 1);
    return true;
  });
});

test('-f files in order, no override discovery, working dir from the first file', (t) => {
  const root = tree(t, { 'sub/one.yaml': '1', 'two.yaml': '2', 'sub/compose.override.yaml': 'no' });
  const r = resolveComposeFiles({ cwd: root, files: ['sub/one.yaml', join(root, 'two.yaml')] });
  assert.deepEqual(r.configFiles.map((f) => f.content), ['1', '2']);
  assert.equal(r.workingDir, join(root, 'sub'));
});

test('--project-directory sets the working dir and the discovery start', (t) => {
  const root = tree(t, { 'proj/compose.yaml': 'p', 'other/x.yaml': 'x' });
  assert.equal(resolveComposeFiles({ cwd: root, files: [], projectDirectory: 'proj' }).configFiles[0]!.content, 'p');
  const r = resolveComposeFiles({ cwd: root, files: ['other/x.yaml'], projectDirectory: 'proj' });
  assert.equal(r.workingDir, join(root, 'proj'));
});

test('- reads stdin once; the working dir is cwd', (t) => {
  const root = tree(t, {});
  let reads = 0;
  const r = resolveComposeFiles({ cwd: root, files: ['-'], stdin: () => { reads++; return 'services: {}'; } });
  assert.deepEqual(r.configFiles, [{ path: '-', content: 'services: {}' }]);
  assert.equal(r.workingDir, root);
  assert.equal(reads, 1);
});

test('COMPOSE_FILE with COMPOSE_PATH_SEPARATOR when no -f', (t) => {
  const root = tree(t, { 'a.yaml': 'a', 'b.yaml': 'b', 'compose.yaml': 'default' });
  const r = resolveComposeFiles({ cwd: root, files: [], env: { COMPOSE_FILE: 'a.yaml;b.yaml', COMPOSE_PATH_SEPARATOR: ';' } });
  assert.deepEqual(r.configFiles.map((f) => f.content), ['a', 'b']);
  const r2 = resolveComposeFiles({ cwd: root, files: [], env: { COMPOSE_FILE: 'a.yaml:b.yaml' } });
  assert.deepEqual(r2.configFiles.map((f) => f.content), ['a', 'b']);
  const r3 = resolveComposeFiles({ cwd: root, files: ['b.yaml'], env: { COMPOSE_FILE: 'a.yaml' } });
  assert.deepEqual(r3.configFiles.map((f) => f.content), ['b'], '-f wins over COMPOSE_FILE');
});

test('a missing -f file is an error naming it', (t) => {
  const root = tree(t, {});
  assert.throws(() => resolveComposeFiles({ cwd: root, files: ['nope.yaml'] }),
    new RegExp(`open ${join(root, 'nope.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no such file or directory`));
});
