import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('extends: same file, own keys win, lists merged', async () => {
  const { doc } = await loadYaml('services:\n  base:\n    image: a\n    environment: { A: "1", B: "1" }\n  web:\n    extends: base\n    environment: { B: "2" }\n');
  assert.equal(doc.services.web.image, 'a');
  assert.deepEqual(doc.services.web.environment, { A: '1', B: '2' });
});

test('extends: other file; its relative paths belong to its folder', async () => {
  const { doc, dir } = await loadYaml('services:\n  web:\n    extends:\n      file: common/base.yaml\n      service: base\n', {
    files: { 'common/base.yaml': 'services:\n  base:\n    image: a\n    build: ./ctx\n    env_file: ./base.env\n', 'common/base.env': 'X=1\n' },
  });
  assert.equal(doc.services.web.build.context, path.join(dir, 'common/ctx'));
  assert.deepEqual(doc.services.web.environment, { X: '1' });
});

test('extends: chains resolve; a missing service is an error', async () => {
  const { doc } = await loadYaml('services:\n  a:\n    image: x\n    hostname: a\n  b:\n    extends: a\n  c:\n    extends: b\n');
  assert.equal(doc.services.c.hostname, 'a');
  assert.match(await loadError('services:\n  web:\n    extends: ghost\n'), /ghost/);
});

test('extends: command is replaced, not merged', async () => {
  const { doc } = await loadYaml('services:\n  base:\n    image: x\n    command: [a, b]\n  web:\n    extends: base\n    command: [c]\n');
  assert.deepEqual(doc.services.web.command, ['c']);
});
