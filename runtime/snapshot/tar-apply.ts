/**
 * Applies one layer tar stream to a fresh directory the way overlayfs expects a layer's diff: whiteouts become
 * 0/0 character devices, opaque markers the trusted.overlay.opaque xattr; hard links, symlinks, devices, fifos,
 * xattrs, owner, mode and mtime are kept. Nothing is ever written outside `root`: every parent component is
 * checked with lstat and a symlink there is refused (openat-style resolution without following links).
 */
import fs from 'node:fs/promises';
import { constants as C } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { RuntimeError } from '../errors.js';
import { planEntry, splitLayerPath } from './layer-paths.js';
import type { SpecialFs } from './special-files.js';

export interface ApplyOptions {
  root: string;
  /** names the image and layer in errors: `image "x": layer sha256:…` */
  what: string;
  special: SpecialFs;
}

export interface ApplyStats {
  entries: number;
  bytes: number;
}

type Header = tar.Header;
/** an entry's body: a streamx readable (async-iterable, resumable) */
type Body = AsyncIterable<unknown> & { resume(): unknown };
type Input = NodeJS.ReadableStream & { destroy(e?: Error): unknown };

function unsafe(what: string, name: string, why: string): RuntimeError {
  return new RuntimeError('E_LAYER_UNSAFE', `${what}: refusing entry "${name}": ${why}`);
}

class Applier {
  private readonly dirs = new Set<string>();
  private readonly dirTimes: Array<[string, Date]> = [];
  constructor(private readonly o: ApplyOptions) {
    this.dirs.add(o.root);
  }

  /** Resolves parent components under root, creating missing ones, refusing symlinks and non-directories. */
  private async parentOf(parts: string[], name: string): Promise<string> {
    let cur = this.o.root;
    for (const p of parts.slice(0, -1)) {
      const next = path.join(cur, p);
      if (!this.dirs.has(next)) {
        const st = await fs.lstat(next).catch(() => undefined);
        if (!st) await fs.mkdir(next, { mode: 0o755 });
        else if (st.isSymbolicLink()) throw unsafe(this.o.what, name, `parent "${path.relative(this.o.root, next)}" is a symlink (writing through it could escape the layer)`);
        else if (!st.isDirectory()) throw unsafe(this.o.what, name, `parent "${path.relative(this.o.root, next)}" is not a directory`);
        this.dirs.add(next);
      }
      cur = next;
    }
    return cur;
  }

  /** Clears whatever is at dest unless it is a directory that stays a directory. */
  private async clear(dest: string, keepDir: boolean): Promise<boolean> {
    const st = await fs.lstat(dest).catch(() => undefined);
    if (!st) return false;
    if (st.isDirectory() && keepDir) return true;
    await fs.rm(dest, { recursive: true, force: true });
    if (st.isDirectory()) for (const d of [...this.dirs]) if (d === dest || d.startsWith(dest + path.sep)) this.dirs.delete(d);
    return false;
  }

  private async meta(dest: string, h: Header, isLink: boolean): Promise<void> {
    await fs.lchown(dest, h.uid ?? 0, h.gid ?? 0);
    if (!isLink) await fs.chmod(dest, (h.mode ?? 0o644) & 0o7777);
    for (const [k, v] of Object.entries((h.pax ?? {}) as Record<string, string>)) {
      if (k.startsWith('SCHILY.xattr.')) this.o.special.lsetxattr(dest, k.slice('SCHILY.xattr.'.length), Buffer.from(v, 'latin1'));
    }
    const t = h.mtime ?? new Date(0);
    if (h.type === 'directory') this.dirTimes.push([dest, t]);
    else await fs.lutimes(dest, t, t);
  }

  async apply(h: Header, body: Body): Promise<number> {
    const name = h.name;
    const plan = planEntry(name);
    if (plan.kind === 'unsafe') throw unsafe(this.o.what, name, plan.why);
    if (plan.kind === 'ignore' || plan.kind === 'root') {
      body.resume();
      return 0;
    }
    if (plan.kind === 'opaque') {
      body.resume();
      const dir = await this.parentOf([...plan.dirParts, '_'], name);
      this.o.special.lsetxattr(dir, 'trusted.overlay.opaque', Buffer.from('y'));
      return 0;
    }
    if (plan.kind === 'whiteout') {
      body.resume();
      const parent = await this.parentOf(plan.parts, name);
      const dest = path.join(parent, plan.parts[plan.parts.length - 1]!);
      // A whiteout hides lower layers only; if this layer also has the path, the path wins.
      if (!(await fs.lstat(dest).catch(() => undefined))) this.o.special.mknod(dest, 'c', 0o000, 0, 0);
      return 0;
    }
    const parent = await this.parentOf(plan.parts, name);
    const dest = path.join(parent, plan.parts[plan.parts.length - 1]!);
    switch (h.type) {
      case 'directory': {
        if (!(await this.clear(dest, true))) await fs.mkdir(dest, { mode: 0o700 });
        this.dirs.add(dest);
        body.resume();
        await this.meta(dest, h, false);
        return 0;
      }
      case 'file':
      case 'contiguous-file':
      case null:
      case undefined: {
        await this.clear(dest, false);
        const fh = await fs.open(dest, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
        let n = 0;
        try {
          for await (const chunk of body) {
            await fh.write(chunk as Buffer);
            n += (chunk as Buffer).length;
          }
        } finally {
          await fh.close();
        }
        await this.meta(dest, h, false);
        return n;
      }
      case 'symlink': {
        body.resume();
        await this.clear(dest, false);
        await fs.symlink(h.linkname ?? '', dest);
        await this.meta(dest, h, true);
        return 0;
      }
      case 'link': {
        body.resume();
        const target = splitLayerPath(h.linkname ?? '');
        if (!Array.isArray(target) || target.length === 0) throw unsafe(this.o.what, name, `hard link target "${h.linkname}": ${Array.isArray(target) ? 'empty' : target.why}`);
        const tparent = await this.parentOf(target, name);
        const tpath = path.join(tparent, target[target.length - 1]!);
        const tst = await fs.lstat(tpath).catch(() => undefined);
        if (!tst) throw unsafe(this.o.what, name, `hard link target "${h.linkname}" is not in this layer`);
        if (tst.isDirectory()) throw unsafe(this.o.what, name, `hard link target "${h.linkname}" is a directory`);
        if (tpath === dest) return 0;
        await this.clear(dest, false);
        await fs.link(tpath, dest);
        return 0;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        body.resume();
        await this.clear(dest, false);
        const kind = h.type === 'fifo' ? 'p' : h.type === 'block-device' ? 'b' : 'c';
        this.o.special.mknod(dest, kind, h.mode ?? 0o600, h.devmajor ?? 0, h.devminor ?? 0);
        await this.meta(dest, h, false);
        return 0;
      }
      default:
        body.resume();
        return 0;
    }
  }

  /** Directory times last (deepest first), since creating children changed them. */
  async finish(): Promise<void> {
    for (const [d, t] of this.dirTimes.sort((a, b) => b[0].length - a[0].length)) await fs.utimes(d, t, t);
  }
}

/** Reads a tar stream and applies every entry to o.root. Rejects on the first bad entry. */
export async function applyTar(input: Input, o: ApplyOptions): Promise<ApplyStats> {
  const extract = tar.extract();
  const applier = new Applier(o);
  const stats: ApplyStats = { entries: 0, bytes: 0 };
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      stats.entries++;
      stats.bytes += await applier.apply(entry.header, entry);
    }
  } catch (e) {
    input.unpipe(extract as unknown as NodeJS.WritableStream);
    input.destroy();
    throw e;
  }
  await applier.finish();
  return stats;
}
