/**
 * cp in and out of a running container through its root as the kernel shows it (/proc/<pid>/root), with every
 * path resolved inside that root (resolveInRoot) so links in the container cannot point the copy at the host.
 * Like docker cp: copying to an existing directory puts the source inside it; a link given as the source is
 * copied as a link unless followLink (-L), which copies what it points to under the link's name; modes and
 * modification times are kept; ownership is root's in the container and the caller's on the host, or the
 * source's own uid/gid with archive (-a).
 */
import { closeSync, fchmodSync, constants, existsSync, lchownSync, lstatSync, lutimesSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync, symlinkSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { RuntimeError, wrapError } from '../errors.js';
import { openContainer, type OpenContainer } from './lookup.js';
import { resolveInRoot } from './path-safety.js';

export interface CopyOptions {
  /** -a: keep the source's uid/gid */
  archive?: boolean;
  /** -L: a link given as the source is copied as what it points to */
  followLink?: boolean;
}

/** Where each copied entry goes: `at(rel)` is the host path of the destination-relative path (resolved safely for a container). */
interface CopyTarget {
  at: (rel: string) => string;
  /** the owner of an entry whose source had `st` */
  owner: (st: Stats) => { uid: number; gid: number };
}

function rootOf(c: OpenContainer, verb: string): string {
  if (c.status !== 'running' && c.status !== 'paused') throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `${verb} container "${c.meta.name}": the container is ${c.status}`);
  return `/proc/${c.state!.pid}/root`;
}

/** Pure decision: the final destination (inside an existing dir, or the path itself). */
export function planCopyTarget(dest: string, destIsDir: boolean, sourceName: string): string {
  return destIsDir ? path.join(dest, sourceName) : dest;
}

/** Pure: who owns a copied entry: the source's uid/gid with archive, else `fallback` (root in a container, the caller on the host). */
export function planOwner(src: { uid: number; gid: number }, archive: boolean, fallback: { uid: number; gid: number }): { uid: number; gid: number } {
  return archive ? { uid: src.uid, gid: src.gid } : fallback;
}

function lstatOrUndefined(p: string): Stats | undefined {
  try { return lstatSync(p); } catch { return undefined; }
}

/**
 * A regular file's bytes in 1 MiB chunks (files may be large). Neither end is opened through a link
 * (O_NOFOLLOW): one swapped in since the walk looked makes the copy fail instead of leaving the root.
 */
function execCopyBytes(src: string, dest: string): void {
  const from = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const to = openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n = readSync(from, buf); n > 0; n = readSync(from, buf)) {
        for (let off = 0; off < n;) off += writeSync(to, buf, off, n - off);
      }
    } finally { closeSync(to); }
  } finally { closeSync(from); }
}

/**
 * Copies `src` (lstat `st`) to `rel` under the target entry by entry: the destination is never written through a
 * link (an existing link or an entry of another type is replaced; a directory is never replaced by a file), links
 * inside the tree are copied as links, and sockets, fifos and devices are left out.
 */
function execCopyEntry(src: string, st: Stats, rel: string, t: CopyTarget): void {
  const dest = t.at(rel);
  let existing = lstatOrUndefined(dest);
  if (existing && (existing.isSymbolicLink() || st.isDirectory() !== existing.isDirectory())) {
    if (existing.isDirectory()) throw new RuntimeError('E_CP_TYPE', `cannot overwrite directory ${rel} with a non-directory`);
    unlinkSync(dest);
    existing = undefined;
  }
  const own = t.owner(st);
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dest);
    lchownSync(dest, own.uid, own.gid);
    lutimesSync(dest, st.atime, st.mtime);
    return;
  }
  if (st.isDirectory()) {
    if (!existing) mkdirSync(dest, { mode: 0o700 });
    for (const name of readdirSync(src)) {
      const childSrc = path.join(src, name);
      const child = lstatOrUndefined(childSrc);
      if (child) execCopyEntry(childSrc, child, path.join(rel, name), t);
    }
  } else if (st.isFile()) {
    // an old entry of the same name is a file here: truncated and rewritten, never followed
    execCopyBytes(src, dest);
  } else {
    return;
  }
  // owner first: chown clears set-id bits, which the mode then puts back
  lchownSync(dest, own.uid, own.gid);
  execChmodNoFollow(dest, st.mode & 0o7777);
  lutimesSync(dest, st.atime, st.mtime);
}

/** chmod through an fd opened without following a link: a link swapped in meanwhile is refused, never chmodded through. */
function execChmodNoFollow(p: string, mode: number): void {
  const fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try { fchmodSync(fd, mode); } finally { closeSync(fd); }
}

export function copyToContainer(ref: string, hostSource: string, containerDest: string, opts: CopyOptions = {}): void {
  const c = openContainer(ref, 'copy to');
  const ctx = `copy to container "${c.meta.name}"`;
  try {
    const root = rootOf(c, 'copy to');
    const given = lstatOrUndefined(hostSource);
    if (!given) throw new RuntimeError('E_CP_SOURCE', `${hostSource}: no such file or directory`);
    const source = given.isSymbolicLink() && opts.followLink ? resolveFollowed(hostSource) : hostSource;
    const st = lstatSync(source);
    const resolved = resolveInRoot(root, containerDest);
    const isDir = existsSync(resolved) && statSync(resolved).isDirectory();
    const top = path.relative(root, planCopyTarget(resolved, isDir, path.basename(path.resolve(hostSource))));
    execCopyEntry(source, st, top, {
      // every destination is resolved inside the root without following its last component: a link the
      // container planted is replaced, never written through (seen via /proc/<pid>/root an absolute link
      // would resolve against the host's root)
      at: (rel) => resolveInRoot(root, rel, { noFollowLast: true }),
      owner: (s) => planOwner(s, opts.archive === true, { uid: 0, gid: 0 }),
    });
  } catch (e) {
    if (e instanceof RuntimeError && e.message.startsWith(ctx)) throw e;
    throw wrapError(ctx, e);
  }
}

/** -L on the host: what a link points to (the copy keeps the link's own name). */
function resolveFollowed(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    throw new RuntimeError('E_CP_SOURCE', `${p}: the link points to nothing`);
  }
}

export function copyFromContainer(ref: string, containerSource: string, hostDest: string, opts: CopyOptions = {}): void {
  const c = openContainer(ref, 'copy from');
  const ctx = `copy from container "${c.meta.name}"`;
  try {
    const root = rootOf(c, 'copy from');
    // without -L a link given as the source is copied as the link itself
    const resolved = resolveInRoot(root, containerSource, { noFollowLast: !opts.followLink });
    const st = lstatOrUndefined(resolved);
    if (!st) throw new RuntimeError('E_CP_SOURCE', `${containerSource}: no such file or directory in the container`);
    const isDir = existsSync(hostDest) && statSync(hostDest).isDirectory();
    const top = planCopyTarget(path.resolve(hostDest), isDir, path.basename(containerSource.replace(/\/+$/, '')) || 'root');
    const caller = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    execCopyEntry(resolved, st, '', {
      at: (rel) => (rel === '' ? top : path.join(top, rel)),
      owner: (s) => planOwner(s, opts.archive === true, caller),
    });
  } catch (e) {
    if (e instanceof RuntimeError && e.message.startsWith(ctx)) throw e;
    throw wrapError(ctx, e);
  }
}
