/**
 * Layer tarballs for test images, byte-for-byte reproducible: entries in a stable order, one fixed
 * mtime, no user/group names, so the same inputs always give the same digests (and the cache key holds).
 * Paths are written as given after dropping one leading "/" (so "../x" stays "../x": tests need
 * malicious layers); set `rawPath` to keep even that.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

type Headers = Partial<Header> & { name: string };

export type FileType = 'file' | 'dir' | 'symlink' | 'link' | 'char' | 'block' | 'fifo';

export interface FileEntry {
  /** Path in the image ("/etc/passwd", "etc/passwd"; a whiteout is "dir/.wh.name", an opaque dir "dir/.wh..wh..opq"). */
  path: string;
  type?: FileType;
  /** File contents (type file). */
  content?: string | Buffer;
  /** Host file to copy the contents from (type file); symlinks are followed. */
  hostPath?: string;
  /** Permission bits incl. setuid/setgid/sticky; default 0644 files, 0755 dirs, 0777 symlinks. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Symlink target, or for a hard link (type link) the path of the entry it links to. */
  target?: string;
  /** Device numbers (type char/block). */
  major?: number;
  minor?: number;
  /** Keep the path exactly, even a leading "/" (for absolute-path attacks). */
  rawPath?: boolean;
}

export interface BuiltLayer {
  /** The uncompressed tar. */
  tar: Buffer;
  /** What goes in the image (gzip or the tar itself). */
  blob: Buffer;
  digest: string;
  size: number;
  diffId: string;
  mediaType: string;
}

export type Compression = 'gzip' | 'none';

/** One fixed mtime (2024-01-01T00:00:00Z) for every entry and the image config. */
export const FIXED_TIME = new Date('2024-01-01T00:00:00Z');

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Pure: the name written in the tar header. */
export function tarName(e: FileEntry): string {
  let name = e.rawPath ? e.path : e.path.replace(/^\/+/, '');
  if ((e.type ?? 'file') === 'dir' && !name.endsWith('/')) name += '/';
  return name;
}

const TAR_TYPES: Record<FileType, Headers['type']> = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  link: 'link',
  char: 'character-device',
  block: 'block-device',
  fifo: 'fifo',
};

const DEFAULT_MODE: Record<FileType, number> = { file: 0o644, dir: 0o755, symlink: 0o777, link: 0o644, char: 0o666, block: 0o660, fifo: 0o644 };

/** Pure: entries in a stable order (by tar name, parents before children), unless the caller keeps its own. */
export function orderEntries(entries: FileEntry[]): FileEntry[] {
  return [...entries].sort((a, b) => {
    const x = tarName(a).replace(/\/$/, '');
    const y = tarName(b).replace(/\/$/, '');
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

async function contentOf(e: FileEntry): Promise<Buffer> {
  if (e.hostPath !== undefined) return readFile(e.hostPath);
  if (e.content === undefined) return Buffer.alloc(0);
  return typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
}

/** Writes the entries as an uncompressed tar, in the given order. */
export async function packTar(entries: FileEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header: Headers = {
      name: tarName(e),
      type: TAR_TYPES[type],
      mode: e.mode ?? DEFAULT_MODE[type],
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: FIXED_TIME,
    };
    if (type === 'symlink' || type === 'link') {
      if (e.target === undefined) throw new Error(`layer entry "${e.path}": ${type} needs a target`);
      header.linkname = type === 'link' && !e.rawPath ? e.target.replace(/^\/+/, '') : e.target;
    }
    if (type === 'char' || type === 'block') {
      header.devmajor = e.major ?? 0;
      header.devminor = e.minor ?? 0;
    }
    const body = type === 'file' ? await contentOf(e) : undefined;
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body !== undefined) pack.entry(header, body, cb);
      else pack.entry({ ...header, size: 0 }, cb);
    });
  }
  pack.finalize();
  return done;
}

/** Builds one layer: tar, then (by default) gzip; digests of both. */
export async function buildLayer(entries: FileEntry[], opts: { compression?: Compression; keepOrder?: boolean } = {}): Promise<BuiltLayer> {
  const tarBuf = await packTar(opts.keepOrder ? entries : orderEntries(entries));
  const compression = opts.compression ?? 'gzip';
  // gzip's header carries no timestamp or name from Node's zlib, so equal input gives equal bytes.
  const blob = compression === 'gzip' ? gzipSync(tarBuf, { level: 6 }) : tarBuf;
  return {
    tar: tarBuf,
    blob,
    digest: sha256(blob),
    size: blob.length,
    diffId: sha256(tarBuf),
    mediaType: compression === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
  };
}

/** Adds a dir entry (0755, root) for every missing parent of the given entries. */
export function withParents(entries: FileEntry[]): FileEntry[] {
  const have = new Set(entries.map((e) => tarName(e).replace(/\/$/, '')));
  const out = [...entries];
  for (const e of entries) {
    const parts = tarName(e).replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dir && dir !== '..' && dir !== '.' && !have.has(dir)) {
        have.add(dir);
        out.push({ path: dir, type: 'dir' });
      }
    }
  }
  return out;
}
