import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('labels: list form becomes a mapping (key-only label is empty)', async () => {
  const s = await loadService(svc('labels:\n  - com.example.a=1\n  - com.example.flag'));
  assert.deepEqual(s.labels, { 'com.example.a': '1', 'com.example.flag': '' });
});

test('labels: mapping form with numbers stringified', async () => {
  const s = await loadService(svc('labels:\n  a: 1\n  b: x'));
  assert.deepEqual(s.labels, { a: '1', b: 'x' });
});

test('label_file: read into labels; explicit labels win', async () => {
  const s = await loadService(svc('label_file: l.txt\nlabels: { A: explicit }'), 'web', { files: { 'l.txt': 'A=file\nB=file\n' } });
  assert.deepEqual(s.labels, { A: 'explicit', B: 'file' });
  assert.equal(s.label_file.length, 1);
});

test('annotations: list or mapping', async () => {
  assert.deepEqual((await loadService(svc('annotations: [a=b]'))).annotations, { a: 'b' });
  assert.deepEqual((await loadService(svc('annotations: { a: b }'))).annotations, { a: 'b' });
});
