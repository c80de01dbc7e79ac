/**
 * COPY/ADD without a container: the matched sources are laid out in a staging dir exactly as they will
 * sit in the image (a directory source copies its contents, a file goes to dest or dest/<name>, a local
 * tar archive given to ADD is extracted), owned by root or --chown, moded by --chmod, with parent dirs that
 * keep the metadata they have in the image. The staged tree is hashed (the cache key's content part) and
 * becomes the layer.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { RuntimeError } from '../errors.js';
import { readImageFile } from '../container/facts.js';
import { resolveUser } from '../container/user.js';
import type { BuildStep } from './types.js';
import { resolveSource, type SourceRoot } from './copy-sources.js';

type CopyStep = Extract<BuildStep, { kind: 'copy' }>;

interface Owner { uid: number; gid: number }

/** --chown as numbers: names come from the image's /etc/passwd and /etc/group; `1000` alone means 1000:1000. */
export function planOwner(chown: string | undefined, lowerDirs: string[], what: string): Owner {
  if (chown === undefined) return { uid: 0, gid: 0 };
  if (/^\d+$/.test(chown)) return { uid: Number(chown), gid: Number(chown) };
  try {
    const r = resolveUser(chown, undefined, readImageFile(lowerDirs, '/etc/passwd'), readImageFile(lowerDirs, '/etc/group'));
    return { uid: r.uid, gid: r.gid };
  } catch (e) {
    throw new RuntimeError('E_BUILD_COPY', `${what}: --chown=${chown}: ${(e as Error).message}`);
  }
}

/** The image's file at rel (topmost layer first), undefined when absent or whited out. */
async function lstatInImage(lowerDirs: string[], rel: string): Promise<import('node:fs').Stats | undefined> {
  for (const d of lowerDirs) {
    const st = await fs.lstat(path.join(d, rel)).catch(() => undefined);
    if (!st) continue;
    if (st.isCharacterDevice() && st.rdev === 0) return undefined;
    return st;
  }
  return undefined;
}

/** Creates dir (relative, inside staging) and its parents, each with the metadata it has in the image. */
async function mkdirLikeImage(staging: string, rel: string, lowerDirs: string[], created: Owner & { mode?: number }): Promise<void> {
  const parts = rel.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const r = parts.slice(0, i).join('/');
    const p = path.join(staging, r);
    if (await fs.lstat(p).catch(() => undefined)) continue;
    const st = await lstatInImage(lowerDirs, r);
    await fs.mkdir(p);
    if (st?.isDirectory()) {
      await fs.chmod(p, st.mode & 0o7777);
      await fs.lchown(p, st.uid, st.gid);
    } else {
      await fs.chmod(p, created.mode ?? 0o755);
      await fs.lchown(p, created.uid, created.gid);
    }
  }
}

async function isArchive(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    if (bytesRead >= 3 && head.subarray(0, 3).toString() === 'BZh') return true;
    if (bytesRead >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return bytesRead >= 262 && head.subarray(257, 262).toString() === 'ustar';
  } finally {
    await fh.close();
  }
}

async function copyEntry(src: string, dst: string, owner: Owner | undefined, chmod: number | undefined, root: SourceRoot, rel: string): Promise<void> {
  const st = await fs.lstat(src);
  if (st.isDirectory()) {
    if (!(await fs.lstat(dst).catch(() => undefined))) await fs.mkdir(dst);
    await fs.chmod(dst, chmod ?? st.mode & 0o7777);
    await fs.lchown(dst, owner?.uid ?? st.uid, owner?.gid ?? st.gid);
    for (const n of (await fs.readdir(src)).sort()) {
      const r = rel === '' ? n : `${rel}/${n}`;
      if (root.ignored?.(r)) continue;
      await copyEntry(path.join(src, n), path.join(dst, n), owner, chmod, root, r);
    }
    return;
  }
  await fs.rm(dst, { recursive: true, force: true });
  if (st.isSymbolicLink()) await fs.symlink(await fs.readlink(src), dst);
  else if (st.isFile()) {
    await fs.copyFile(src, dst);
    await fs.chmod(dst, chmod ?? st.mode & 0o7777);
  } else return; // devices, fifos and sockets are not copied from a context
  await fs.lchown(dst, owner?.uid ?? st.uid, owner?.gid ?? st.gid);
}

/** Lays the step's sources out in `staging`. `lowerDirs` is the stage's image so far (topmost first). */
export async function stageCopy(step: CopyStep, root: SourceRoot, lowerDirs: string[], staging: string, what: string): Promise<void> {
  // from the context everything is root's unless --chown; from a stage or image ownership is kept (buildkit)
  const owner = step.chown === undefined && step.from.kind !== 'context' ? undefined : planOwner(step.chown, lowerDirs, what);
  const dirOwner = owner ?? { uid: 0, gid: 0 };
  const found = [];
  for (const s of step.sources) found.push(...(await resolveSource(root, s, what)));
  const destRel = step.dest.replace(/^\/+/, '').replace(/\/+$/, '');
  const existing = destRel === '' ? undefined : await lstatInImage(lowerDirs, destRel);
  const destIsDir = step.dest.endsWith('/') || found.length > 1 || existing?.isDirectory() === true;
  for (const src of found) {
    if (src.isDir || (step.add && (await isArchive(src.abs)))) {
      await mkdirLikeImage(staging, destRel, lowerDirs, dirOwner);
      const target = path.join(staging, destRel);
      if (src.isDir) {
        for (const n of (await fs.readdir(src.abs)).sort()) {
          const r = src.rel === '' ? n : `${src.rel}/${n}`;
          if (root.ignored?.(r)) continue;
          await copyEntry(path.join(src.abs, n), path.join(target, n), owner, step.chmod, root, r);
        }
      } else {
        try {
          await promisify(execFile)('tar', ['-x', '-f', src.abs, '-C', target, '--numeric-owner']);
        } catch (e) {
          throw new RuntimeError('E_BUILD_ADD', `${what}: extract "${src.rel}": ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
        }
      }
      continue;
    }
    const fileRel = destIsDir ? path.posix.join(destRel, path.posix.basename(src.rel)) : destRel;
    if (fileRel === '') throw new RuntimeError('E_BUILD_COPY', `${what}: cannot copy a file onto /`);
    await mkdirLikeImage(staging, path.posix.dirname(fileRel) === '.' ? '' : path.posix.dirname(fileRel), lowerDirs, dirOwner);
    await copyEntry(src.abs, path.join(staging, fileRel), owner, step.chmod, root, src.rel);
  }
}

/** Pure over the tree: a digest of every path, type, mode, owner, link target and file content. */
export async function digestTree(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const n of (await fs.readdir(abs)).sort()) {
      const p = path.join(abs, n);
      const r = `${rel}/${n}`;
      const st = await fs.lstat(p);
      h.update(`${r}\0${st.mode}\0${st.uid}:${st.gid}\0`);
      if (st.isSymbolicLink()) h.update(await fs.readlink(p));
      else if (st.isFile()) {
        const fh = createHash('sha256');
        for await (const c of createReadStream(p)) fh.update(c as Buffer);
        h.update(fh.digest('hex'));
      } else if (st.isDirectory()) await walk(p, r);
      h.update('\n');
    }
  };
  await walk(dir, '');
  return `sha256:${h.digest('hex')}`;
}
