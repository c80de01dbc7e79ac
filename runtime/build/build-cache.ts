/**
 * The build cache: (parent layer chain, step meaning) → the layer the step made. One small JSON file per
 * key under <root>/build-cache. A hit counts only while the layer blob is still stored; its snapshot is
 * unpacked again from the blob when it was pruned. `--no-cache` skips lookups but still records.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import { paths } from '../store/paths.js';
import { hasBlob } from '../image/content-store.js';

export interface CachedLayer {
  diffId: string;
  size: number;
  /** when the layer was made: the image's created time and history keep it, so a cached rebuild has the same id */
  created: string;
}

export function buildCacheDir(): string {
  return path.join(paths().root, 'build-cache');
}

/** Pure: the cache key of a step on top of a chain (undefined chain: empty rootfs). */
export function planCacheKey(parentChain: string | undefined, stepKey: string): string {
  return createHash('sha256').update(`${parentChain ?? 'scratch'}\n${stepKey}`).digest('hex');
}

export async function lookupCache(key: string): Promise<CachedLayer | undefined> {
  let hit: CachedLayer;
  try {
    hit = JSON.parse(await fs.readFile(path.join(buildCacheDir(), `${key}.json`), 'utf8')) as CachedLayer;
  } catch {
    return undefined;
  }
  if (typeof hit.diffId !== 'string' || typeof hit.created !== 'string' || !(await hasBlob(hit.diffId))) return undefined;
  return hit;
}

export async function recordCache(key: string, layer: CachedLayer): Promise<void> {
  await fs.mkdir(buildCacheDir(), { recursive: true });
  writeFileAtomic(path.join(buildCacheDir(), `${key}.json`), JSON.stringify(layer), { durable: false });
}
