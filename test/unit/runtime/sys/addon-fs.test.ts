// The addon's file syscalls (mknod, l*xattr) against the real kernel, and proof that layer unpacking's
// special-file operations go through them (with PATH emptied, the mknod(1)/python3 fallback cannot run).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAddon } from '../../../../runtime/sys/native.js';
import { hostSpecialFs } from '../../../../runtime/snapshot/special-files.js';
import { needsRoot } from '../../../helpers/root.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-addon-fs-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const S_IFMT = 0o170000;

function addon() {
  const a = loadAddon();
  assert.equal(typeof a.mknod, 'function', 'addon exports mknod');
  assert.equal(typeof a.lsetxattr, 'function', 'addon exports lsetxattr');
  assert.equal(typeof a.lgetxattr, 'function', 'addon exports lgetxattr');
  return { mknod: a.mknod!.bind(a), lsetxattr: a.lsetxattr!.bind(a), lgetxattr: a.lgetxattr!.bind(a) };
}

/** Runs fn with no usable PATH, so any spawn of a host tool fails. */
function withoutPath<T>(fn: () => T): T {
  const saved = process.env.PATH;
  process.env.PATH = path.join(dir, 'no-such-bin');
  try {
    return fn();
  } finally {
    process.env.PATH = saved;
  }
}

test('mknod makes character and block devices with the given numbers, and fifos', { skip: needsRoot }, () => {
  const a = addon();
  const chr = path.join(dir, 'null');
  a.mknod(chr, S_IFCHR | 0o666, 1, 3);
  const c = fs.lstatSync(chr);
  assert.ok(c.isCharacterDevice());
  assert.equal(c.rdev, (1 << 8) | 3, 'major 1 minor 3');

  const blk = path.join(dir, 'loop7');
  a.mknod(blk, S_IFBLK | 0o660, 7, 7);
  const b = fs.lstatSync(blk);
  assert.ok(b.isBlockDevice());
  assert.equal(b.rdev, (7 << 8) | 7);
  assert.equal(b.mode & 0o7777, 0o660);

  const fifo = path.join(dir, 'fifo');
  a.mknod(fifo, S_IFIFO | 0o600, 0, 0);
  const f = fs.lstatSync(fifo);
  assert.ok(f.isFIFO());
  assert.equal(f.mode & S_IFMT, S_IFIFO);
});

test('mknod applies the permission bits exactly, whatever the umask', { skip: needsRoot }, () => {
  const a = addon();
  const old = process.umask(0o077);
  try {
    const file = path.join(dir, 'tty-like');
    a.mknod(file, S_IFCHR | 0o4666, 5, 0);
    assert.equal(fs.lstatSync(file).mode & 0o7777, 0o4666);
  } finally {
    process.umask(old);
  }
});

test('mknod errors carry the errno code and name the path', { skip: needsRoot }, () => {
  const a = addon();
  const file = path.join(dir, 'twice');
  a.mknod(file, S_IFIFO | 0o644, 0, 0);
  assert.throws(() => a.mknod(file, S_IFIFO | 0o644, 0, 0), (e: NodeJS.ErrnoException) => {
    assert.equal(e.code, 'EEXIST');
    assert.match(e.message, /^mknod .*twice: File exists$/);
    return true;
  });
  assert.throws(() => a.mknod(path.join(dir, 'missing', 'x'), S_IFIFO | 0o644, 0, 0), { code: 'ENOENT' });
  assert.throws(() => (a.mknod as unknown as (x: unknown) => void)(42), TypeError);
});

test('lsetxattr sets binary values on the link itself, lgetxattr reads them back, null when absent', { skip: needsRoot }, () => {
  const a = addon();
  const target = path.join(dir, 'target');
  const link = path.join(dir, 'link');
  fs.writeFileSync(target, 'x');
  fs.symlinkSync(target, link);
  const value = Buffer.from([0, 1, 2, 255, 0, 42]);
  a.lsetxattr(link, 'trusted.tscompose-test', value);
  assert.deepEqual(a.lgetxattr(link, 'trusted.tscompose-test'), value);
  assert.equal(a.lgetxattr(target, 'trusted.tscompose-test'), null, 'the symlink was not followed');

  a.lsetxattr(target, 'user.note', Buffer.from('hello'));
  assert.equal(a.lgetxattr(target, 'user.note')?.toString(), 'hello');
  a.lsetxattr(target, 'user.note', Buffer.alloc(0));
  assert.deepEqual(a.lgetxattr(target, 'user.note'), Buffer.alloc(0), 'empty values are values, not absence');
  assert.throws(() => a.lgetxattr(path.join(dir, 'nope'), 'user.note'), { code: 'ENOENT' });
  assert.throws(() => a.lsetxattr(path.join(dir, 'nope'), 'user.note', Buffer.from('x')), (e: Error) => /lsetxattr .*nope user\.note: /.test(e.message));
});

test('unpacking special files goes through the addon (no host tool is spawned)', { skip: needsRoot }, () => {
  const a = addon();
  const dev = path.join(dir, 'zero');
  const whiteout = path.join(dir, 'whiteout');
  const opaque = path.join(dir, 'opaque');
  fs.mkdirSync(opaque);
  withoutPath(() => {
    hostSpecialFs.mknod(dev, 'c', 0o666, 1, 5);
    hostSpecialFs.mknod(whiteout, 'c', 0o000, 0, 0);
    hostSpecialFs.lsetxattr(opaque, 'trusted.overlay.opaque', Buffer.from('y'));
  });
  assert.ok(fs.lstatSync(dev).isCharacterDevice());
  assert.equal(fs.lstatSync(dev).rdev, (1 << 8) | 5);
  assert.equal(fs.lstatSync(dev).mode & 0o7777, 0o666);
  assert.equal(fs.lstatSync(whiteout).rdev, 0, 'overlay whiteout is a 0/0 char device');
  assert.equal(a.lgetxattr(opaque, 'trusted.overlay.opaque')?.toString(), 'y');
});
