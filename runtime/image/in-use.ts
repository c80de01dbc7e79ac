/**
 * Which images and layer snapshots containers use, running or not. A container records the overlay lower
 * dirs it was made from (its spec's image facts: the snapshots' short links, topmost first), so the answer
 * comes from the containers themselves, not from Compose labels, and also covers a container whose image
 * record was force-removed: its snapshots stay until the container goes.
 */
import path from 'node:path';
import { collectMetas } from '../container/meta.js';
import { paths } from '../store/paths.js';
import { linksDir, shortLinkName } from '../snapshot/snapshot-store.js';
import type { ImageRecord } from './image-store.js';

export interface ContainerUse {
  id: string;
  name: string;
  /** the container's lower dirs, topmost first */
  lowerDirs: string[];
}

export interface ImageUse {
  /** image id → the containers made from it (names) */
  images: Map<string, string[]>;
  /** chain ids of every snapshot some container mounts */
  chains: Set<string>;
}

/** Reads every container's recorded lower dirs. */
export function collectContainerUse(): ContainerUse[] {
  return collectMetas(paths().containers).map(({ meta }) => ({ id: meta.id, name: meta.name, lowerDirs: meta.spec?.image?.lowerDirs ?? [] }));
}

/**
 * Pure: matches containers to images (same lower dirs, in order) and to the snapshots they mount.
 * `chainIds` are the stored snapshots (a container can only mount what exists).
 */
export function planImageUse(containers: readonly ContainerUse[], records: readonly ImageRecord[], chainIds: readonly string[], links = linksDir()): ImageUse {
  const byLink = new Map(chainIds.map((c) => [path.join(links, shortLinkName(c)), c]));
  const chains = new Set<string>();
  const key = (dirs: readonly string[]) => dirs.join('\n');
  const users = new Map<string, string[]>();
  for (const c of containers) {
    for (const d of c.lowerDirs) {
      const chain = byLink.get(d);
      if (chain) chains.add(chain);
    }
    users.set(key(c.lowerDirs), [...(users.get(key(c.lowerDirs)) ?? []), c.name]);
  }
  const images = new Map<string, string[]>();
  for (const r of records) {
    if (r.layers.length === 0) continue;
    const names = users.get(key([...r.layers].reverse().map((l) => path.join(links, shortLinkName(l.chainId)))));
    if (names) images.set(r.id, names);
  }
  return { images, chains };
}
