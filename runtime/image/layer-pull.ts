/**
 * Gets one layer into its snapshot during a pull. When neither blob nor snapshot is present, the download
 * is unpacked as it arrives (one pass over the network bytes, like `curl | tar -xz`), and the snapshot is
 * committed only after the blob's own digest check passed. If the transfer resumes or restarts midway,
 * the streaming unpack is abandoned and the layer is unpacked from the verified blob instead.
 */
import { PassThrough, type Readable } from 'node:stream';
import { blobStream, hasBlob } from './content-store.js';
import { fetchBlob } from './blob-fetch.js';
import type { LayerRecord } from './image-store.js';
import type { Compression } from './manifest.js';
import type { RegistryClient } from './registry-client.js';
import { hasSnapshot, unpackLayer } from '../snapshot/unpack.js';

export interface LayerPullOptions {
  client: RegistryClient;
  repo: string;
  layer: LayerRecord;
  parentChainId?: string;
  compression: Compression;
  what: string;
  onBytes?: (done: number) => void;
  onExtracting?: () => void;
}

/** Waits until the stream drains or closes, or the reader stops; leaves no listener behind. */
function drained(s: PassThrough, reader: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
    void reader.then(done);
  });
}

/** Returns whether the blob was downloaded now. */
export async function pullLayer(o: LayerPullOptions): Promise<boolean> {
  const l = o.layer;
  const unpackFrom = (source: Readable, beforeCommit?: Promise<unknown>) =>
    unpackLayer({ source, compression: o.compression, diffId: l.diffId, chainId: l.chainId, ...(o.parentChainId ? { parentChainId: o.parentChainId } : {}), what: o.what, ...(beforeCommit ? { beforeCommit } : {}) });
  const fetchOpts = { client: o.client, repo: o.repo, digest: l.digest, size: l.size, what: o.what, onBytes: (d: number) => o.onBytes?.(d) };

  if (await hasBlob(l.digest, l.size)) {
    o.onExtracting?.();
    await unpackFrom(blobStream(l.digest) as unknown as Readable);
    return false;
  }
  if (await hasSnapshot(l.chainId)) return fetchBlob(fetchOpts);

  const tee = new PassThrough({ highWaterMark: 4 << 20 });
  let streaming = true;
  let fed = 0;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let settleGate!: (ok: boolean) => void;
  const gate = new Promise<boolean>((r) => (settleGate = r)).then((ok) => {
    if (!ok) throw new Error('blob download failed');
  });
  gate.catch(() => undefined);
  let unpackFailed = false;
  const unpacking = unpackFrom(tee, gate).then(
    () => undefined,
    (e: unknown) => {
      unpackFailed = true;
      return e;
    },
  );
  const stopStreaming = () => {
    if (!streaming) return;
    streaming = false;
    tee.destroy(new Error('streaming unpack abandoned'));
  };
  o.onExtracting?.();
  let downloaded: boolean;
  try {
    downloaded = await fetchBlob({
      ...fetchOpts,
      onChunk: async (chunk, offset) => {
        if (!streaming || unpackFailed) return;
        if (offset !== fed) return stopStreaming();
        fed += chunk.length;
        // Hand the decompressor about 1 MB at a time: per-call overhead dominates with 64 KB socket reads.
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes < 1 << 20) return;
        const buf = Buffer.concat(batch, batchBytes);
        batch = [];
        batchBytes = 0;
        if (!tee.write(buf)) await drained(tee, unpacking);
      },
    });
    if (streaming && batchBytes > 0 && !unpackFailed) tee.write(Buffer.concat(batch, batchBytes));
  } catch (e) {
    stopStreaming();
    settleGate(false);
    await unpacking;
    throw e;
  }
  if (streaming) tee.end();
  settleGate(true);
  const err = await unpacking;
  if (err === undefined && (await hasSnapshot(l.chainId))) return downloaded;
  // The streamed unpack saw all bytes and refused them: that verdict stands (malicious or corrupt layer).
  if (err !== undefined && streaming) throw err;
  await unpackFrom(blobStream(l.digest) as unknown as Readable);
  return downloaded;
}
