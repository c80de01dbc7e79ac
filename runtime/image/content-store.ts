/**
 * The content store: blobs by digest under paths().blobs, shared by every image. A blob is streamed to a
 * partial file under paths().tmp and renamed into place only once its sha256 and size match, so a reader
 * never sees a partial blob. A partial file survives a killed pull and is resumed (Range) by the next one.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import { paths } from '../store/paths.js';
import { withFileLock } from './store-lock.js';

const DIGEST_RE = /^sha256:([a-f0-9]{64})$/;

export function digestHex(digest: string): string {
  const m = DIGEST_RE.exec(digest);
  if (!m) throw new RuntimeError('E_DIGEST', `unsupported digest "${digest}" (only sha256 is supported)`);
  return m[1]!;
}

export function blobPath(digest: string): string {
  return path.join(paths().blobs, digestHex(digest));
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** True when the blob is stored (and, when a size is given, has that size). */
export async function hasBlob(digest: string, size?: number): Promise<boolean> {
  const st = await fs.stat(blobPath(digest)).catch(() => undefined);
  return !!st && st.isFile() && (size === undefined || size < 0 || st.size === size);
}

export async function readBlob(digest: string): Promise<Buffer> {
  return fs.readFile(blobPath(digest));
}

export function blobStream(digest: string): NodeJS.ReadableStream {
  return createReadStream(blobPath(digest), { highWaterMark: 1 << 20 });
}

export interface BlobWriter {
  /** bytes already present from an earlier, interrupted write (resume the transfer from here) */
  readonly offset: number;
  write(chunk: Uint8Array): Promise<void>;
  /** drops what was written since the last resume point (the source restarts from 0) */
  restart(): Promise<void>;
  /** verifies digest and size, then renames into place */
  commit(): Promise<void>;
  /** keeps the partial file for a later resume (transient failure) */
  close(): Promise<void>;
  /** removes the partial file (bad content) */
  discard(): Promise<void>;
}

async function hashFile(file: string, hash: Hash): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    n += (chunk as Buffer).length;
  }
  return n;
}

/**
 * Opens a writer for one blob. `what` names the object for errors (`image "x": layer sha256:…`).
 * Callers must hold the blob lock (withBlobLock) so two pulls never write the same partial file.
 */
export async function openBlobWriter(digest: string, size: number, what: string): Promise<BlobWriter> {
  const hex = digestHex(digest);
  await fs.mkdir(paths().tmp, { recursive: true });
  await fs.mkdir(paths().blobs, { recursive: true });
  const partial = path.join(paths().tmp, `${hex}.partial`);
  let hash = createHash('sha256');
  let written = 0;
  const existing = await fs.stat(partial).catch(() => undefined);
  if (existing && size >= 0 && existing.size <= size) written = await hashFile(partial, hash);
  else await fs.rm(partial, { force: true });
  let fh = await fs.open(partial, 'a');
  const offset = written;
  // Chunks are written in batches of about 1 MB: one syscall per network chunk costs more than the copy.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    await fh.writev(batch);
  };
  return {
    offset,
    async write(chunk) {
      written += chunk.length;
      if (size >= 0 && written > size) throw new RuntimeError('E_BLOB_SIZE', `${what}: more data than the ${size} bytes announced`);
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 1 << 20) await flush();
    },
    async restart() {
      pending = [];
      pendingBytes = 0;
      await fh.truncate(0);
      await fh.close();
      fh = await fs.open(partial, 'w');
      hash = createHash('sha256');
      written = 0;
    },
    async commit() {
      await flush();
      await fh.close();
      const got = `sha256:${hash.digest('hex')}`;
      if (size >= 0 && written !== size) {
        await fs.rm(partial, { force: true });
        throw new RuntimeError('E_BLOB_SIZE', `${what}: size mismatch: got ${written} bytes, expected ${size}`);
      }
      if (got !== digest) {
        await fs.rm(partial, { force: true });
        throw new RuntimeError('E_DIGEST_MISMATCH', `${what}: digest mismatch: content hashes to ${got}, expected ${digest}`);
      }
      await fs.rename(partial, blobPath(digest));
    },
    async close() {
      await flush().catch(() => undefined);
      await fh.close().catch(() => undefined);
    },
    async discard() {
      await fh.close().catch(() => undefined);
      await fs.rm(partial, { force: true });
    },
  };
}

/** Serialises writers of one blob across processes (lock file under paths().locks). */
export function withBlobLock<T>(digest: string, what: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(path.join(paths().locks, `blob-${digestHex(digest)}.lock`), what, fn);
}

/** Stores a complete in-memory blob (manifests, configs) after checking its digest. */
export async function putBlob(digest: string, data: Buffer, what: string): Promise<void> {
  if (await hasBlob(digest, data.length)) return;
  await withBlobLock(digest, what, async () => {
    if (await hasBlob(digest, data.length)) return;
    const w = await openBlobWriter(digest, data.length, what);
    if (w.offset > 0) await w.restart();
    try {
      await w.write(data);
      await w.commit();
    } catch (e) {
      await w.discard();
      throw e;
    }
  });
}

/** Every stored blob digest. */
export async function listBlobs(): Promise<string[]> {
  const names = await fs.readdir(paths().blobs).catch(() => [] as string[]);
  return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
}

export async function removeBlob(digest: string): Promise<number> {
  const p = blobPath(digest);
  const st = await fs.stat(p).catch(() => undefined);
  await fs.rm(p, { force: true });
  return st?.size ?? 0;
}

/**
 * Stores a stream of unknown digest (tarball entries on load): hashed while written to a temp file, then
 * renamed to its digest. Returns the digest and size.
 */
export async function ingestStream(source: AsyncIterable<unknown>, what: string): Promise<{ digest: string; size: number }> {
  await fs.mkdir(paths().tmp, { recursive: true });
  await fs.mkdir(paths().blobs, { recursive: true });
  const tmp = path.join(paths().tmp, `ingest-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const hash = createHash('sha256');
  let size = 0;
  const fh = await fs.open(tmp, 'w');
  try {
    for await (const c of source) {
      const chunk = c as Buffer;
      hash.update(chunk);
      size += chunk.length;
      await fh.write(chunk);
    }
    await fh.close();
    const digest = `sha256:${hash.digest('hex')}`;
    if (await hasBlob(digest, size)) await fs.rm(tmp, { force: true });
    else await fs.rename(tmp, blobPath(digest));
    return { digest, size };
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e instanceof RuntimeError ? e : new RuntimeError('E_BLOB_WRITE', `${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}
