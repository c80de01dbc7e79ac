import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('image: kept as written, interpolated', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: nginx:${TAG:-1.27}\n');
  assert.equal(doc.services.web.image, 'nginx:1.27');
});

test('image: must be a string', async () => {
  assert.match(await loadError('services:\n  web:\n    image: [nginx]\n'), /services\.web\.image must be a string/);
});
