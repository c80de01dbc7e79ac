import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

const sub = { 'sub/compose.yaml': 'services:\n  db:\n    image: postgres:${PG:-16}\n    build: .\n    volumes: ["data:/var/lib/data"]\nvolumes:\n  data:\n' };

test('include: short form imports services and resources; paths belong to the included dir', async () => {
  const { doc, dir } = await loadYaml('include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: a\n    depends_on: [db]\n', { files: sub });
  assert.deepEqual(Object.keys(doc.services).sort(), ['db', 'web']);
  assert.equal(doc.services.db.build.context, path.join(dir, 'sub'));
  assert.equal(doc.volumes.data.name, 'test_data');
});

test('include: long form with env_file for the included project', async () => {
  const { doc } = await loadYaml('include:\n  - path: sub/compose.yaml\n    env_file: sub/pg.env\nservices: {}\n', { files: { ...sub, 'sub/pg.env': 'PG=17\n' } });
  assert.equal(doc.services.db.image, 'postgres:17');
});

test('include: a cycle is an error', async () => {
  const msg = await loadError('include: [a.yaml]\nservices: {}\n', { files: { 'a.yaml': 'include: [compose.yaml]\nservices: {}\n' } });
  assert.match(msg, /include cycle detected/);
});
