/**
 * Resolving a path inside a container's root the way the container would: symlinks are followed relative to
 * the root and `..` never climbs above it, so an image or a running container cannot make tscompose read or
 * write a host file (the `docker cp` symlink-escape class of bugs).
 */
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError } from '../errors.js';

const MAX_LINKS = 40;

/** Returns the host path of `p` inside `root`; the last component is followed too unless `noFollowLast`. */
export function resolveInRoot(root: string, p: string, opts: { noFollowLast?: boolean } = {}): string {
  const rootAbs = path.resolve(root);
  let pending = p.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const host = path.join(rootAbs, ...done, part);
    let isLink = false;
    try { isLink = lstatSync(host).isSymbolicLink(); } catch { /* missing: the rest is taken literally */ }
    if (!isLink || (opts.noFollowLast && pending.length === 0)) { done.push(part); continue; }
    if (++links > MAX_LINKS) throw new RuntimeError('E_PATH_LOOP', `too many levels of symbolic links resolving ${p}`);
    const target = readlinkSync(host);
    const rest = target.split('/').filter(Boolean);
    if (target.startsWith('/')) done.length = 0;
    pending = [...rest, ...pending];
  }
  return path.join(rootAbs, ...done);
}
