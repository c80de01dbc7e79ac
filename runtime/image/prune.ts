/**
 * Garbage collection of images: `image prune` drops dangling records (or, with all, every record no
 * container uses), then removes blobs and snapshots that no remaining record references. Reference
 * counting is computed, not stored: the records are the single source of truth, so it cannot drift.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { paths } from '../store/paths.js';
import { listBlobs, removeBlob } from './content-store.js';
import { deleteImageRecordLocked, listImages, withImageStoreLock, type ImageRecord } from './image-store.js';
import { listSnapshots, removeSnapshot, removeStaleUnpacks } from '../snapshot/snapshot-store.js';
import { collectContainerUse, planImageUse } from './in-use.js';

export interface PruneOptions {
  /** also remove tagged images no container uses */
  all?: boolean;
  /** more image ids to keep (containers' images are found and kept anyway) */
  inUse?: ReadonlySet<string>;
}

export interface PruneResult {
  deletedImages: string[];
  deletedBlobs: number;
  deletedSnapshots: number;
  reclaimedBytes: number;
}

/** Pure: which records go. */
export function planImagePrune(records: readonly ImageRecord[], o: PruneOptions): ImageRecord[] {
  return records.filter((r) => !o.inUse?.has(r.id) && (o.all || r.repoTags.length === 0));
}

/** Pure: what the remaining records still reference. */
export function collectReferences(records: readonly ImageRecord[]): { blobs: Set<string>; chains: Set<string> } {
  const blobs = new Set<string>();
  const chains = new Set<string>();
  for (const r of records) {
    blobs.add(r.manifestDigest).add(r.configDigest);
    if (r.indexDigest) blobs.add(r.indexDigest);
    for (const l of r.layers) {
      blobs.add(l.digest);
      chains.add(l.chainId);
    }
  }
  return { blobs, chains };
}

async function lockHeld(name: string): Promise<boolean> {
  return !!(await fs.stat(path.join(paths().locks, name)).catch(() => undefined));
}

export async function pruneImages(o: PruneOptions = {}): Promise<PruneResult> {
  return withImageStoreLock(async () => {
    const records = await listImages();
    // Containers (running or not) keep their image and every snapshot they mount.
    const use = planImageUse(collectContainerUse(), records, await listSnapshots());
    const gone = planImagePrune(records, { ...o, inUse: new Set([...(o.inUse ?? []), ...use.images.keys()]) });
    for (const r of gone) await deleteImageRecordLocked(r.id);
    const keep = records.filter((r) => !gone.includes(r));
    const refs = collectReferences(keep);
    let reclaimedBytes = 0;
    let deletedBlobs = 0;
    for (const b of await listBlobs()) {
      if (refs.blobs.has(b) || (await lockHeld(`blob-${b.slice(7)}.lock`))) continue;
      reclaimedBytes += await removeBlob(b);
      deletedBlobs++;
    }
    let deletedSnapshots = 0;
    for (const c of await listSnapshots()) {
      if (refs.chains.has(c) || use.chains.has(c) || (await lockHeld(`snap-${c.slice(7)}.lock`))) continue;
      await removeSnapshot(c);
      deletedSnapshots++;
    }
    await removeStaleUnpacks();
    // Partial downloads nobody is writing (no lock) are garbage too.
    for (const n of await fs.readdir(paths().tmp).catch(() => [] as string[])) {
      const m = /^([a-f0-9]{64})\.partial$/.exec(n);
      if (m && !(await lockHeld(`blob-${m[1]}.lock`))) await fs.rm(path.join(paths().tmp, n), { force: true });
    }
    return { deletedImages: gone.map((r) => r.id), deletedBlobs, deletedSnapshots, reclaimedBytes };
  });
}
