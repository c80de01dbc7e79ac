/**
 * Whiteouts and opaque directories as a container sees them: an image loaded from the kit's docker-archive
 * is mounted as an overlay (upper/work per container) and the merged tree is listed. Needs root (mount).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { buildImageFromFiles } from '../helpers/image-kit.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-image-overlay-'));
process.env.TSCOMPOSE_ROOT = path.join(work, 'root');
after(() => fs.rmSync(work, { recursive: true, force: true }));

const rt = await import('../../runtime/index.js');

test('whiteouts hide lower files, opaque dirs hide lower contents, writes go to the upper dir', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const img = await buildImageFromFiles({
    name: 'tscompose-test/whiteouts',
    layers: [
      [
        { path: '/etc/', type: 'dir' }, { path: '/etc/a', content: 'a' }, { path: '/etc/b', content: 'b' },
        { path: '/var/', type: 'dir' }, { path: '/var/cache/', type: 'dir' }, { path: '/var/cache/x', content: 'x' },
        { path: '/var/cache/sub/', type: 'dir' }, { path: '/var/cache/sub/y', content: 'y' },
        { path: '/gone/', type: 'dir' }, { path: '/gone/file', content: 'g' },
      ],
      [{ path: '/etc/', type: 'dir' }, { path: '/etc/c', content: 'c' }],
      [
        { path: '/etc/', type: 'dir' }, { path: '/etc/.wh.a', content: '' },
        { path: '/var/', type: 'dir' }, { path: '/var/cache/', type: 'dir' }, { path: '/var/cache/.wh..wh..opq', content: '' }, { path: '/var/cache/z', content: 'z' },
        { path: '/.wh.gone', content: '' },
      ],
    ],
  });
  const [rec] = await rt.loadImages(img.archivePath);
  assert.ok(rec);
  assert.equal(rec.layers.length, 3);
  const target = path.join(work, 'merged');
  const layer = await rt.prepareContainerLayer('overlay-test-1');
  await rt.mountOverlay(rec.layers.map((l) => l.chainId), layer, target, 'container "overlay-test-1"');
  let mounted = true;
  t.after(async () => {
    if (mounted) rt.unmountOverlay(target, 'container "overlay-test-1"');
    await rt.removeContainerLayer('overlay-test-1');
  });
  assert.deepEqual(fs.readdirSync(path.join(target, 'etc')).sort(), ['b', 'c']);
  assert.deepEqual(fs.readdirSync(path.join(target, 'var/cache')).sort(), ['z']);
  assert.ok(!fs.existsSync(path.join(target, 'gone')));
  assert.equal(fs.readFileSync(path.join(target, 'etc/b'), 'utf8'), 'b');
  fs.writeFileSync(path.join(target, 'etc/new'), 'n');
  fs.rmSync(path.join(target, 'etc/b'));
  assert.equal(fs.readFileSync(path.join(layer.upper, 'etc/new'), 'utf8'), 'n');
  assert.ok(fs.lstatSync(path.join(layer.upper, 'etc/b')).isCharacterDevice(), 'deleting a lower file makes a whiteout in the upper dir');
  // The image's own snapshot is untouched.
  assert.equal(fs.readFileSync(path.join(process.env.TSCOMPOSE_ROOT!, 'snapshots', rec.layers[0]!.chainId.slice(7), 'diff/etc/b'), 'utf8'), 'b');

  const facts = await rt.resolveImageFacts(rec.id);
  assert.equal(facts.lowerDirs.length, 3);
  assert.equal(fs.realpathSync(facts.lowerDirs[0]!), path.join(process.env.TSCOMPOSE_ROOT!, 'snapshots', rec.layers[2]!.chainId.slice(7), 'diff'), 'topmost first');

  rt.unmountOverlay(target, 'container "overlay-test-1"');
  mounted = false;
  assert.ok(!fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(target));
  await rt.removeContainerLayer('overlay-test-1');
  assert.ok(!fs.existsSync(path.dirname(layer.upper)));
});
