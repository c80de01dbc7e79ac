/**
 * A directory becomes an image layer: its tree is written as an uncompressed tar into the content store
 * (so the blob digest is the diff id) and unpacked into the chain's snapshot, the way every other layer
 * gets there. For a container's overlay upper dir, overlay's own whiteouts are turned into OCI ones: a 0/0
 * character device becomes `.wh.<name>`, a directory marked trusted.overlay.opaque gets `.wh..wh..opq`.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';
import { RuntimeError } from '../errors.js';
import { blobStream, ingestStream } from '../image/content-store.js';
import { chainIds } from '../snapshot/chain.js';
import { unpackLayer } from '../snapshot/unpack.js';
import { loadAddon } from '../sys/native.js';

export interface LayerOptions {
  /** read overlay whiteouts and opaque markers (a container's upper dir) */
  overlay?: boolean;
  /** relative paths (no leading slash) left out, with what is under them */
  skip?: (rel: string) => boolean;
  what: string;
}

export interface BuiltLayer {
  diffId: string;
  size: number;
}

function opaque(p: string): boolean {
  const addon = loadAddon();
  const v = addon.lgetxattr?.(p, 'trusted.overlay.opaque');
  return !!v && v.toString() === 'y';
}

async function writeEntries(pack: tar.Pack, root: string, o: LayerOptions): Promise<void> {
  const inodes = new Map<string, string>();
  const put = (header: Partial<Header> & { name: string }, body?: Buffer) => new Promise<void>((resolve, reject) => {
    pack.entry(header, body ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve()));
  });
  const walk = async (dir: string, rel: string): Promise<void> => {
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      if (o.skip?.(r)) continue;
      const p = path.join(dir, name);
      const st = await fsp.lstat(p);
      const base = { name: r, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
      if (o.overlay && st.isCharacterDevice() && st.rdev === 0) {
        await put({ ...base, name: rel ? `${rel}/.wh.${name}` : `.wh.${name}`, type: 'file', size: 0, mode: 0o600 });
        continue;
      }
      if (st.isDirectory()) {
        await put({ ...base, name: `${r}/`, type: 'directory' });
        if (o.overlay && opaque(p)) await put({ ...base, name: `${r}/.wh..wh..opq`, type: 'file', size: 0, mode: 0o600 });
        await walk(p, r);
      } else if (st.isSymbolicLink()) {
        await put({ ...base, type: 'symlink', linkname: await fsp.readlink(p) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? inodes.get(key) : undefined;
        if (first !== undefined) {
          await put({ ...base, type: 'link', linkname: first, size: 0 });
          continue;
        }
        if (st.nlink > 1) inodes.set(key, r);
        await new Promise<void>((resolve, reject) => {
          const entry = pack.entry({ ...base, type: 'file', size: st.size }, (e) => (e ? reject(e) : resolve()));
          pipeline(fs.createReadStream(p), entry).catch(reject);
        });
      } else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) {
        const type = st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'character-device' : 'block-device';
        await put({ ...base, type, devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00) });
      }
      // sockets are not part of a file system image
    }
  };
  await walk(root, '');
}

/** Writes the directory as a layer blob and returns its diff id (the blob is the uncompressed tar). */
export async function writeLayerBlob(dir: string, o: LayerOptions): Promise<BuiltLayer> {
  const pack = tar.pack();
  const ingest = ingestStream(pack, o.what);
  try {
    await writeEntries(pack, dir, o);
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await ingest.catch(() => undefined);
    throw e instanceof RuntimeError ? e : new RuntimeError('E_BUILD_LAYER', `${o.what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const got = await ingest;
  return { diffId: got.digest, size: got.size };
}

/** Makes sure the snapshot of (parent chain + diffId) exists, unpacking the stored blob when it does not. */
export async function ensureSnapshot(diffIds: readonly string[], what: string): Promise<{ chainId: string; created: boolean }> {
  const chains = chainIds(diffIds);
  const chainId = chains[chains.length - 1]!;
  const diffId = diffIds[diffIds.length - 1]!;
  const created = await unpackLayer({
    source: blobStream(diffId) as unknown as import('node:stream').Readable,
    compression: 'none',
    diffId,
    chainId,
    ...(chains.length > 1 ? { parentChainId: chains[chains.length - 2]! } : {}),
    what,
  });
  return { chainId, created };
}
