/**
 * Downloads one blob into the content store: resumes a partial file left by an interrupted pull (Range),
 * retries transient failures, verifies sha256 and size before the blob becomes visible, and reports bytes.
 */
import { RuntimeError } from '../errors.js';
import { hasBlob, openBlobWriter, withBlobLock } from './content-store.js';
import type { RegistryClient } from './registry-client.js';

export interface BlobFetchOptions {
  client: RegistryClient;
  repo: string;
  digest: string;
  size: number;
  what: string;
  onBytes?: (done: number, total: number) => void;
  /** sees every chunk with its offset, after it is written (a streaming unpack reads along) */
  onChunk?: (chunk: Uint8Array, offset: number) => Promise<void> | void;
  retries?: number;
}

function isTransient(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  if (e instanceof RuntimeError) return code === 'E_REGISTRY_UNREACHABLE' || code === 'E_BLOB_TRUNCATED';
  return true; // socket resets, aborted bodies, …
}

/** Ensures the blob is stored; returns false when it already was. */
export async function fetchBlob(o: BlobFetchOptions): Promise<boolean> {
  if (await hasBlob(o.digest, o.size)) return false;
  return withBlobLock(o.digest, o.what, async () => {
    if (await hasBlob(o.digest, o.size)) return false;
    const retries = o.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const w = await openBlobWriter(o.digest, o.size, o.what);
      let done = w.offset;
      try {
        if (o.size >= 0 && done === o.size) {
          await w.commit();
          return true;
        }
        const res = await o.client.getBlob(o.repo, o.digest, done, o.what);
        if (res.status === 416) {
          // Our partial file is not a prefix the registry agrees with: start over.
          await res.body?.cancel();
          await w.restart();
          done = 0;
          throw new RuntimeError('E_BLOB_TRUNCATED', `${o.what}: registry refused the resume range`);
        }
        if (res.status !== 206 && done > 0) {
          await w.restart();
          done = 0;
        }
        o.onBytes?.(done, o.size);
        if (!res.body) throw new RuntimeError('E_BLOB_TRUNCATED', `${o.what}: empty response body`);
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          await w.write(chunk);
          if (o.onChunk) await o.onChunk(chunk, done);
          done += chunk.length;
          o.onBytes?.(done, o.size);
        }
        if (o.size >= 0 && done < o.size) throw new RuntimeError('E_BLOB_TRUNCATED', `${o.what}: connection ended after ${done} of ${o.size} bytes`);
        await w.commit();
        return true;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'E_DIGEST_MISMATCH' || code === 'E_BLOB_SIZE') {
          await w.discard();
          throw e;
        }
        await w.close();
        if (attempt >= retries || !isTransient(e)) {
          throw e instanceof RuntimeError ? e : new RuntimeError('E_BLOB_DOWNLOAD', `${o.what}: download failed: ${(e as Error).message}`, { cause: e });
        }
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
    }
  });
}
