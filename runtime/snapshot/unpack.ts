/**
 * Unpacks a layer blob into its snapshot: one directory per layer chain (named by chain id), done once and
 * shared by every image that has the chain. The layer is decompressed (gzip, zstd, none) and applied into a
 * temp dir, its uncompressed digest is checked against the config's diff id, and only then is the dir renamed
 * into place; a failed or interrupted unpack leaves nothing behind under the snapshot's name.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { RuntimeError, wrapError } from '../errors.js';
import { withFileLock } from '../image/store-lock.js';
import { paths } from '../store/paths.js';
import { applyTar } from './tar-apply.js';
import { hostSpecialFs, type SpecialFs } from './special-files.js';
import type { Compression } from '../image/manifest.js';
import { snapshotDir, snapshotDiffDir, linkSnapshot, snapshotsRoot, hasSnapshot } from './snapshot-store.js';

export interface UnpackRequest {
  /** the blob's bytes, compressed as `compression` says */
  source: Readable;
  compression: Compression;
  /** expected sha256 of the uncompressed tar (config rootfs.diff_ids[i]) */
  diffId: string;
  chainId: string;
  parentChainId?: string;
  /** `image "x": layer sha256:…` */
  what: string;
  special?: SpecialFs;
  /** awaited before the snapshot is renamed into place (a streaming pull waits for the blob's digest check) */
  beforeCommit?: Promise<unknown>;
}

function zstdStream(): Transform {
  let d: Decompress | undefined;
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        d ??= new Decompress((out) => t.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength)));
        d.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        d?.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  return t;
}

function decompressor(c: Compression): Transform {
  if (c === 'gzip') return zlib.createGunzip({ chunkSize: 1 << 20 });
  if (c === 'zstd') return zstdStream();
  return new PassThrough();
}

// Defined with the store so a pull of present layers can ask without loading the unpacker.
export { hasSnapshot } from './snapshot-store.js';

/** Ensures the snapshot for chainId exists; returns false when it was already there. */
export async function unpackLayer(req: UnpackRequest): Promise<boolean> {
  if (await hasSnapshot(req.chainId)) {
    req.source.destroy();
    return false;
  }
  const hex = req.chainId.slice('sha256:'.length);
  return withFileLock(path.join(paths().locks, `snap-${hex}.lock`), req.what, async () => {
    if (await hasSnapshot(req.chainId)) {
      req.source.destroy();
      return false;
    }
    const root = snapshotsRoot();
    await fs.mkdir(root, { recursive: true });
    const tmp = path.join(root, `.tmp-${hex.slice(0, 16)}-${process.pid}-${Date.now()}`);
    const diff = path.join(tmp, 'diff');
    await fs.mkdir(diff, { recursive: true, mode: 0o755 });
    try {
      const hash = createHash('sha256');
      const hasher = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      const dec = decompressor(req.compression);
      req.source.on('error', (e) => dec.destroy(e));
      dec.on('error', (e) => hasher.destroy(e));
      req.source.pipe(dec).pipe(hasher);
      try {
        await applyTar(hasher, { root: diff, what: req.what, special: req.special ?? hostSpecialFs });
      } catch (e) {
        if (e instanceof RuntimeError) throw e;
        const code = (e as { code?: string }).code;
        if (code && code.startsWith('Z_') || /incorrect header|invalid|unexpected end|zstd/i.test(String((e as Error).message))) {
          throw new RuntimeError('E_LAYER_CORRUPT', `${req.what}: cannot decompress layer (${req.compression}): ${(e as Error).message}`);
        }
        throw e;
      }
      // Drain the tail (tar padding past the end marker) so the digest covers the whole stream.
      for await (const _ of hasher) void _;
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== req.diffId) {
        throw new RuntimeError('E_DIGEST_MISMATCH', `${req.what}: uncompressed content hashes to ${got}, but the image config says ${req.diffId}`);
      }
      if (req.beforeCommit) await req.beforeCommit;
      if (req.parentChainId) await fs.writeFile(path.join(tmp, 'parent'), `${req.parentChainId}\n`);
      await fs.rename(tmp, snapshotDir(req.chainId));
      await linkSnapshot(req.chainId);
      return true;
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e instanceof RuntimeError ? e : wrapError(`${req.what}: unpack`, e, 'E_UNPACK');
    }
  });
}
