import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-unpack-'));
process.env.TSCOMPOSE_ROOT = path.join(tmpRoot, 'root');
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

const { unpackLayer, hasSnapshot } = await import('../../../../runtime/snapshot/unpack.js');
const { snapshotDiffDir, snapshotsRoot, linksDir, shortLinkName } = await import('../../../../runtime/snapshot/snapshot-store.js');
const { chainIds } = await import('../../../../runtime/snapshot/chain.js');
const { makeTar, sha256, compress } = await import('./tar-fixtures.js');
const { needsRoot } = await import('../../../helpers/root.js');

function getxattr(file: string, name: string): string | undefined {
  const r = spawnSync('python3', ['-c', 'import os,sys\ntry:\n  sys.stdout.write(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).decode())\nexcept OSError:\n  sys.exit(3)', file, name]);
  return r.status === 0 ? r.stdout.toString() : undefined;
}

let n = 0;
async function unpack(tarBuf: Buffer, how: 'gzip' | 'zstd' | 'none' = 'gzip', diffId = sha256(tarBuf)) {
  // A unique chain per call so tests never share a snapshot.
  const chainId = chainIds([sha256(Buffer.from(`parent-${n++}-${Math.random()}`)), diffId])[1]!;
  await unpackLayer({ source: Readable.from([compress(tarBuf, how)]), compression: how, diffId, chainId, what: 'image "test:1": layer L' });
  return { chainId, dir: snapshotDiffDir(chainId) };
}

function leftovers(): string[] {
  return fs.readdirSync(snapshotsRoot()).filter((x) => x.startsWith('.tmp-'));
}

test('regular entries keep type, content, owner, mode and mtime', { skip: needsRoot }, async () => {
  const mtime = new Date('2020-05-06T07:08:09Z');
  const t = await makeTar([
    { name: 'etc/', type: 'directory', mode: 0o755, mtime },
    { name: 'etc/passwd', body: 'root:x:0:0\n', mode: 0o644, uid: 0, mtime },
    { name: './home/user/notes.txt', body: 'hi', mode: 0o640, uid: 1000, gid: 1001, mtime },
    { name: 'bin/sh', body: '#!', mode: 0o4755 },
    { name: 'bin/ash', type: 'link', linkname: 'bin/sh' },
    { name: 'bin/link', type: 'symlink', linkname: '/etc/passwd', uid: 7, gid: 8 },
    { name: 'run/fifo', type: 'fifo', mode: 0o600 },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'cap', body: 'x', pax: { 'SCHILY.xattr.user.note': 'hello' } },
  ]);
  const { dir, chainId } = await unpack(t);
  assert.equal(fs.readFileSync(path.join(dir, 'etc/passwd'), 'utf8'), 'root:x:0:0\n');
  const notes = fs.statSync(path.join(dir, 'home/user/notes.txt'));
  assert.equal(notes.mode & 0o7777, 0o640);
  assert.deepEqual([notes.uid, notes.gid], [1000, 1001]);
  assert.equal(notes.mtimeMs, mtime.getTime());
  assert.equal(fs.statSync(path.join(dir, 'cap')).mtimeMs, new Date('2024-01-02T03:04:05Z').getTime());
  assert.equal(fs.statSync(path.join(dir, 'etc')).mtimeMs, mtime.getTime(), 'dir mtime set after its children');
  assert.equal(fs.statSync(path.join(dir, 'bin/sh')).mode & 0o7777, 0o4755, 'setuid kept after chown');
  assert.equal(fs.statSync(path.join(dir, 'bin/ash')).ino, fs.statSync(path.join(dir, 'bin/sh')).ino, 'hard link shares the inode');
  assert.equal(fs.readlinkSync(path.join(dir, 'bin/link')), '/etc/passwd');
  assert.deepEqual([fs.lstatSync(path.join(dir, 'bin/link')).uid, fs.lstatSync(path.join(dir, 'bin/link')).gid], [7, 8]);
  assert.ok(fs.lstatSync(path.join(dir, 'run/fifo')).isFIFO());
  const dev = fs.lstatSync(path.join(dir, 'dev/null'));
  assert.ok(dev.isCharacterDevice());
  assert.equal(dev.rdev, (1 << 8) | 3);
  assert.equal(getxattr(path.join(dir, 'cap'), 'user.note'), 'hello');
  assert.equal(fs.readlinkSync(path.join(linksDir(), shortLinkName(chainId))), `../${chainId.slice(7)}/diff`);
  assert.deepEqual(leftovers(), []);
});

test('whiteouts become 0/0 char devices and opaque markers an overlay xattr', { skip: needsRoot }, async () => {
  const t = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/.wh.removed.conf', body: '' },
    { name: 'var/cache/.wh..wh..opq', body: '' },
    { name: 'var/cache/new', body: 'n' },
    { name: '.wh..wh.plnk/', type: 'directory' },
  ]);
  const { dir } = await unpack(t);
  const wh = fs.lstatSync(path.join(dir, 'etc/removed.conf'));
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  assert.ok(!fs.existsSync(path.join(dir, 'etc/.wh.removed.conf')));
  assert.equal(getxattr(path.join(dir, 'var/cache'), 'trusted.overlay.opaque'), 'y');
  assert.equal(fs.readFileSync(path.join(dir, 'var/cache/new'), 'utf8'), 'n');
  assert.ok(!fs.existsSync(path.join(dir, '.wh..wh.plnk')));
});

for (const how of ['gzip', 'zstd', 'none'] as const) {
  test(`layer compressed with ${how} unpacks and its diff id is checked`, async () => {
    const t = await makeTar([{ name: 'a/b.txt', body: `content-${how}`.repeat(1000) }]);
    const { dir, chainId } = await unpack(t, how);
    assert.equal(fs.readFileSync(path.join(dir, 'a/b.txt'), 'utf8'), `content-${how}`.repeat(1000));
    assert.ok(await hasSnapshot(chainId));
  });
}

test('a diff id mismatch fails and leaves no snapshot', async () => {
  const t = await makeTar([{ name: 'x', body: 'x' }]);
  const wrong = sha256(Buffer.from('something else'));
  const chainId = chainIds([wrong])[0]!;
  await assert.rejects(
    unpackLayer({ source: Readable.from([compress(t, 'gzip')]), compression: 'gzip', diffId: wrong, chainId, what: 'image "test:1": layer L' }),
    (e: Error & { code?: string }) => e.code === 'E_DIGEST_MISMATCH' && /image "test:1": layer L/.test(e.message),
  );
  assert.equal(await hasSnapshot(chainId), false);
  assert.deepEqual(leftovers(), []);
});

test('corrupt gzip is a clear error naming the layer', async () => {
  const t = compress(await makeTar([{ name: 'x', body: 'x'.repeat(10000) }]), 'gzip');
  const broken = Buffer.concat([t.subarray(0, 20), Buffer.alloc(50, 7)]);
  const chainId = chainIds([sha256(Buffer.from('corrupt'))])[0]!;
  await assert.rejects(
    unpackLayer({ source: Readable.from([broken]), compression: 'gzip', diffId: sha256(t), chainId, what: 'image "test:1": layer L' }),
    (e: Error & { code?: string }) => /image "test:1": layer L/.test(e.message) && (e.code === 'E_LAYER_CORRUPT' || e.code === 'E_DIGEST_MISMATCH'),
  );
  assert.equal(await hasSnapshot(chainId), false);
  assert.deepEqual(leftovers(), []);
});

const outside = path.join(tmpRoot, 'outside');
const malicious: Array<[string, Parameters<typeof makeTar>[0], RegExp]> = [
  ['dot-dot path', [{ name: 'ok', body: '1' }, { name: '../outside/pwned', body: 'x' }], /refusing entry "\.\.\/outside\/pwned": path contains "\.\."/],
  ['nested dot-dot', [{ name: 'a/../../outside/pwned', body: 'x' }], /path contains "\.\."/],
  ['absolute path', [{ name: `${outside}/pwned`, body: 'x' }], /absolute path/],
  ['symlink escape (absolute target)', [{ name: 'esc', type: 'symlink', linkname: outside }, { name: 'esc/pwned', body: 'x' }], /parent "esc" is a symlink/],
  ['symlink escape (relative target)', [{ name: 'd/', type: 'directory' }, { name: 'd/up', type: 'symlink', linkname: '../../../../../../../..' + outside }, { name: 'd/up/pwned', body: 'x' }], /parent "d\/up" is a symlink/],
  ['hard link out of the layer', [{ name: 'h', type: 'link', linkname: '../outside/target' }], /hard link target/],
  ['whiteout through a symlink', [{ name: 'esc', type: 'symlink', linkname: outside }, { name: 'esc/.wh.target', body: '' }], /parent "esc" is a symlink/],
];
for (const [name, entries, re] of malicious) {
  test(`malicious layer refused: ${name}`, async () => {
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'target'), 'keep');
    const before = fs.readdirSync(outside).sort();
    const t = await makeTar(entries);
    const chainId = chainIds([sha256(Buffer.from(`mal-${name}`))])[0]!;
    await assert.rejects(
      unpackLayer({ source: Readable.from([compress(t, 'gzip')]), compression: 'gzip', diffId: sha256(t), chainId, what: 'image "evil:1": layer sha256:abc' }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'E_LAYER_UNSAFE', e.message);
        assert.match(e.message, /^image "evil:1": layer sha256:abc: refusing entry/);
        assert.match(e.message, re);
        return true;
      },
    );
    assert.deepEqual(fs.readdirSync(outside).sort(), before, 'nothing written outside');
    assert.equal(fs.readFileSync(path.join(outside, 'target'), 'utf8'), 'keep');
    assert.equal(await hasSnapshot(chainId), false);
    assert.deepEqual(leftovers(), []);
  });
}

test('a snapshot is unpacked once and shared', async () => {
  const t = await makeTar([{ name: 'once', body: '1' }]);
  const chainId = chainIds([sha256(t)])[0]!;
  const mk = () => unpackLayer({ source: Readable.from([compress(t, 'gzip')]), compression: 'gzip', diffId: sha256(t), chainId, what: 'x' });
  const [a, b] = await Promise.all([mk(), mk()]);
  assert.deepEqual([a, b].sort(), [false, true]);
  assert.equal(await mk(), false);
});
