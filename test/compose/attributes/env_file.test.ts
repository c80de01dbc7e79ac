import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadError, loadYaml, svc } from './helpers.js';

test('env_file: a string becomes a list of {path, required: true}, read into environment', async () => {
  const { doc, dir } = await loadYaml(svc('env_file: ./a.env'), { files: { 'a.env': 'A=1\n# comment\nB="two words"\n' } });
  assert.deepEqual(doc.services.web.env_file, [{ path: path.join(dir, 'a.env'), required: true }]);
  assert.deepEqual(doc.services.web.environment, { A: '1', B: 'two words' });
});

test('env_file: later files win; optional missing files are skipped', async () => {
  const { doc } = await loadYaml(svc('env_file:\n  - a.env\n  - path: b.env\n  - path: missing.env\n    required: false'), { files: { 'a.env': 'A=1\nB=1\n', 'b.env': 'B=2\n' } });
  assert.deepEqual(doc.services.web.environment, { A: '1', B: '2' });
  assert.equal(doc.services.web.env_file.length, 3);
  assert.equal(doc.services.web.env_file[2].required, false);
});

test('env_file: format raw keeps quotes and ${} as written', async () => {
  const { doc } = await loadYaml(svc('env_file:\n  - path: r.env\n    format: raw'), { files: { 'r.env': 'A="quoted"\nB=${X}\n' } });
  assert.deepEqual(doc.services.web.environment, { A: '"quoted"', B: '${X}' });
});

test('env_file: a missing required file is an error naming it', async () => {
  assert.match(await loadError(svc('env_file: nope.env')), /nope\.env not found/);
});
