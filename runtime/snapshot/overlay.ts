/**
 * Overlay root filesystems for containers: the image's layer snapshots as lower dirs (topmost first),
 * one upper and work dir per container. Lower dirs are named through the short links in <snapshots>/l/
 * (as Docker's overlay2 does) and, when even that does not fit in a page, relative to <snapshots> with the
 * mount made from there — so chains of any depth the kernel allows can be mounted.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError, wrapError } from '../errors.js';
import { loadAddon, type NativeAddon } from '../sys/native.js';
import { linksDir, shortLinkName, snapshotsRoot } from './snapshot-store.js';
import { hasSnapshot } from './unpack.js';

/** The kernel's limit on overlay lower layers (OVL_MAX_STACK). */
export const MAX_LOWER_LAYERS = 500;
const PAGE = 4096;

export interface OverlayPlan {
  /** the mount data string */
  data: string;
  /** when set, mount from this directory (lowerdir entries are relative to it) */
  cwd?: string;
}

/**
 * Pure: the overlay mount options for a chain (bottom layer first), using short links under `root/l`.
 * Absolute links when they fit in a page, otherwise links relative to `root` (cwd set).
 */
export function planOverlayOptions(chainIdsBottomFirst: readonly string[], upper: string, work: string, root: string, pageSize = PAGE): OverlayPlan {
  if (chainIdsBottomFirst.length === 0) throw new RuntimeError('E_OVERLAY', 'an overlay needs at least one image layer');
  if (chainIdsBottomFirst.length > MAX_LOWER_LAYERS) {
    throw new RuntimeError('E_OVERLAY_TOO_DEEP', `image has ${chainIdsBottomFirst.length} layers; overlayfs mounts at most ${MAX_LOWER_LAYERS}`);
  }
  const shorts = [...chainIdsBottomFirst].reverse().map(shortLinkName);
  const tail = `,upperdir=${upper},workdir=${work}`;
  const abs = `lowerdir=${shorts.map((s) => path.join(root, 'l', s)).join(':')}${tail}`;
  if (abs.length < pageSize) return { data: abs };
  const rel = `lowerdir=${shorts.map((s) => `l/${s}`).join(':')}${tail}`;
  if (rel.length < pageSize) return { data: rel, cwd: root };
  throw new RuntimeError('E_OVERLAY_TOO_DEEP', `overlay options for ${chainIdsBottomFirst.length} layers do not fit in a page (${rel.length} bytes)`);
}

export interface ContainerLayer {
  upper: string;
  work: string;
}

export function containerLayerDir(containerId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(containerId)) throw new RuntimeError('E_OVERLAY', `bad container id "${containerId}"`);
  return path.join(snapshotsRoot(), 'rw', containerId);
}

/** Creates the container's upper and work dirs (idempotent). */
export async function prepareContainerLayer(containerId: string): Promise<ContainerLayer> {
  const dir = containerLayerDir(containerId);
  const upper = path.join(dir, 'upper');
  const work = path.join(dir, 'work');
  await fs.mkdir(upper, { recursive: true, mode: 0o755 });
  await fs.mkdir(work, { recursive: true, mode: 0o700 });
  return { upper, work };
}

/** Mounts the overlay for a chain at target. `what` names the container in errors. */
export async function mountOverlay(chainIdsBottomFirst: readonly string[], layer: ContainerLayer, target: string, what: string, addon: Pick<NativeAddon, 'mount'> = loadAddon()): Promise<void> {
  for (const c of chainIdsBottomFirst) {
    if (!(await hasSnapshot(c))) throw new RuntimeError('E_SNAPSHOT_MISSING', `${what}: layer snapshot ${c} is missing`, { hint: 'pull the image again' });
  }
  // Make sure every short link exists (a link dir removed by hand is repaired, not fatal).
  await fs.mkdir(linksDir(), { recursive: true });
  const plan = planOverlayOptions(chainIdsBottomFirst, layer.upper, layer.work, snapshotsRoot());
  await fs.mkdir(target, { recursive: true });
  const prev = plan.cwd ? process.cwd() : undefined;
  try {
    // The addon call is synchronous, so nothing else runs in this thread while the cwd is changed.
    if (plan.cwd) process.chdir(plan.cwd);
    addon.mount('overlay', target, 'overlay', 0, plan.data);
  } catch (e) {
    throw wrapError(`${what}: mount overlay on ${target}`, e, 'E_OVERLAY');
  } finally {
    if (prev) process.chdir(prev);
  }
}

const MNT_DETACH = 2;

export function unmountOverlay(target: string, what: string, addon: Pick<NativeAddon, 'umount'> = loadAddon()): void {
  try {
    addon.umount(target, MNT_DETACH);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EINVAL' || code === 'ENOENT') return; // not mounted
    throw wrapError(`${what}: unmount ${target}`, e, 'E_OVERLAY');
  }
}

/** Removes the container's upper/work dirs (after unmount). */
export async function removeContainerLayer(containerId: string): Promise<void> {
  await fs.rm(containerLayerDir(containerId), { recursive: true, force: true });
}

/** Container layers present on disk (for leak checks and prune). */
export async function listContainerLayers(): Promise<string[]> {
  return fs.readdir(path.join(snapshotsRoot(), 'rw')).catch(() => [] as string[]);
}
