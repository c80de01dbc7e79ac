/**
 * Filling a new volume from an image whose content at the volume's path is spread over layers: upper layers
 * win, a directory replaced by a file (or the reverse) is replaced, and it happens once per volume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-copyup-'));
process.env.TSCOMPOSE_ROOT = root;
const { createVolume, populateVolume } = await import('../../../../runtime/volume/index.js');

function layer(name: string, files: Record<string, string | null>): string {
  const dir = path.join(root, 'layers', name, 'seed');
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    if (content === null) mkdirSync(p, { recursive: true });
    else { mkdirSync(path.dirname(p), { recursive: true }); writeFileSync(p, content); }
  }
  return dir;
}

test('layers are merged bottom-up into an empty volume, once', async (t) => {
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lower = layer('l1', { 'a.txt': 'lower', 'keep.txt': 'kept', 'sub/x': 'old', 'was-dir/inner': 'gone' });
  const upper = layer('l2', { 'a.txt': 'upper', 'sub/y': 'new', 'was-dir': 'now a file' });
  const missing = path.join(root, 'layers', 'l3', 'seed'); // a layer without the path at all
  const v = await createVolume({ name: 'seeded' });
  // topmost first, as ImageFacts.lowerDirs
  assert.equal(await populateVolume('seeded', [missing, upper, lower]), true);
  const read = (p: string) => readFileSync(path.join(v.mountpoint, p), 'utf8');
  assert.equal(read('a.txt'), 'upper');
  assert.equal(read('keep.txt'), 'kept');
  assert.deepEqual(readdirSync(path.join(v.mountpoint, 'sub')).sort(), ['x', 'y']);
  assert.equal(read('was-dir'), 'now a file');
  assert.ok(statSync(path.join(v.mountpoint, 'was-dir')).isFile());
  writeFileSync(path.join(upper, 'late.txt'), 'late');
  assert.equal(await populateVolume('seeded', [upper, lower]), false, 'a volume is filled once');
  assert.equal(await populateVolume('seeded', [missing]), false);
  await createVolume({ name: 'none' });
  assert.equal(await populateVolume('none', [missing]), false, 'nothing at the path in any layer');
  assert.equal(await populateVolume('none', [upper], { nocopy: true }), false);
});
