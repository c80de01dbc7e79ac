/**
 * cp in and out of a running container through its root as the kernel shows it (/proc/<pid>/root), with every
 * path resolved inside that root (resolveInRoot) so links in the container cannot point the copy at the host.
 * Like docker cp: copying to an existing directory puts the source inside it.
 */
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, unlinkSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError, wrapError } from '../errors.js';
import { openContainer, type OpenContainer } from './lookup.js';
import { resolveInRoot } from './path-safety.js';

function rootOf(c: OpenContainer, verb: string): string {
  if (c.status !== 'running' && c.status !== 'paused') throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `${verb} container "${c.meta.name}": the container is ${c.status}`);
  return `/proc/${c.state!.pid}/root`;
}

/** Pure decision: the final destination (inside an existing dir, or the path itself). */
export function planCopyTarget(dest: string, destIsDir: boolean, sourceName: string): string {
  return destIsDir ? path.join(dest, sourceName) : dest;
}

/**
 * Copies entry by entry, resolving every destination inside the root without following its last component:
 * a link the container planted in the destination tree is replaced, never written through (an absolute link
 * seen via /proc/<pid>/root would otherwise resolve against the host's root).
 */
function execCopyIn(root: string, hostPath: string, relDest: string): void {
  const dest = resolveInRoot(root, relDest, { noFollowLast: true });
  const src = lstatSync(hostPath);
  let existing;
  try { existing = lstatSync(dest); } catch { existing = undefined; }
  if (existing?.isSymbolicLink() || (existing && src.isDirectory() !== existing.isDirectory())) {
    if (existing.isDirectory()) throw new RuntimeError('E_CP_TYPE', `cannot overwrite directory ${relDest} with a file`);
    unlinkSync(dest);
    existing = undefined;
  }
  if (src.isSymbolicLink()) { symlinkSync(readlinkSync(hostPath), dest); return; }
  if (src.isDirectory()) {
    if (!existing) mkdirSync(dest, { mode: src.mode & 0o7777 });
    for (const name of readdirSync(hostPath)) execCopyIn(root, path.join(hostPath, name), path.join(path.relative(root, dest), name));
    return;
  }
  copyFileSync(hostPath, dest);
  chmodSync(dest, src.mode & 0o7777);
}

export function copyToContainer(ref: string, hostSource: string, containerDest: string): void {
  const c = openContainer(ref, 'copy to');
  const ctx = `copy to container "${c.meta.name}"`;
  try {
    const root = rootOf(c, 'copy to');
    if (!existsSync(hostSource)) throw new RuntimeError('E_CP_SOURCE', `${hostSource}: no such file or directory`);
    const resolved = resolveInRoot(root, containerDest);
    const isDir = existsSync(resolved) && statSync(resolved).isDirectory();
    const target = planCopyTarget(resolved, isDir, path.basename(path.resolve(hostSource)));
    // the parent was resolved inside the root; the final component must not be a link out of it either
    execCopyIn(root, hostSource, path.relative(root, target));
  } catch (e) {
    if (e instanceof RuntimeError && e.message.startsWith(ctx)) throw e;
    throw wrapError(ctx, e);
  }
}

export function copyFromContainer(ref: string, containerSource: string, hostDest: string): void {
  const c = openContainer(ref, 'copy from');
  const ctx = `copy from container "${c.meta.name}"`;
  try {
    const root = rootOf(c, 'copy from');
    const resolved = resolveInRoot(root, containerSource);
    if (!existsSync(resolved)) throw new RuntimeError('E_CP_SOURCE', `${containerSource}: no such file or directory in the container`);
    const isDir = existsSync(hostDest) && statSync(hostDest).isDirectory();
    const target = planCopyTarget(hostDest, isDir, path.basename(containerSource.replace(/\/+$/, '')) || 'root');
    // verbatimSymlinks: links inside the copied tree are copied as links, never followed out of the container
    cpSync(resolved, target, { recursive: true, force: true, preserveTimestamps: true, verbatimSymlinks: true, dereference: false });
  } catch (e) {
    if (e instanceof RuntimeError && e.message.startsWith(ctx)) throw e;
    throw wrapError(ctx, e);
  }
}
