/**
 * Image records: one JSON file per image (named by its id, the config digest) under paths().images, written
 * tmp+rename under the store lock. A record names the manifest, config and layers (with diff ids and chain
 * ids) and the tags that point at it; a tag moves when another image takes it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import { paths } from '../store/paths.js';
import { withFileLock } from './store-lock.js';
import { digestHex } from './content-store.js';
import { parseReference, formatReference, repositoryName, isImageId } from './reference.js';
import type { Platform } from './platform.js';
import { collectContainerUse, planImageUse } from './in-use.js';

export interface LayerRecord {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
  chainId: string;
}

export interface ImageRecord {
  /** the image id: its config digest */
  id: string;
  /** canonical references: docker.io/library/redis:7 */
  repoTags: string[];
  /** canonical digested references: docker.io/library/redis@sha256:… */
  repoDigests: string[];
  manifestDigest: string;
  manifestMediaType: string;
  /** the index/list the manifest was chosen from, when there was one */
  indexDigest?: string;
  configDigest: string;
  layers: LayerRecord[];
  platform: Platform;
  /** creation time from the config (may be empty) */
  created: string;
  /** when tscompose stored it */
  storedAt: string;
  /** sum of layer blob sizes */
  size: number;
  /** when a registry pull last resolved this image (pull_policy daily/weekly/every_…); absent if never pulled */
  lastPulled?: string;
}

function recordPath(id: string): string {
  return path.join(paths().images, `${digestHex(id)}.json`);
}

function lockFile(): string {
  return path.join(paths().locks, 'images.lock');
}

export function withImageStoreLock<T>(fn: () => Promise<T>): Promise<T> {
  return withFileLock(lockFile(), 'image store', fn);
}

async function writeRecord(r: ImageRecord): Promise<void> {
  await fs.mkdir(paths().images, { recursive: true });
  const file = recordPath(r.id);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(r, null, 2)}\n`);
  await fs.rename(tmp, file);
}

export async function listImages(): Promise<ImageRecord[]> {
  const names = await fs.readdir(paths().images).catch(() => [] as string[]);
  const out: ImageRecord[] = [];
  for (const n of names) {
    if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
    try {
      out.push(JSON.parse(await fs.readFile(path.join(paths().images, n), 'utf8')) as ImageRecord);
    } catch {
      // A record being replaced right now or damaged by hand: not an image.
    }
  }
  return out.sort((a, b) => (b.storedAt ?? '').localeCompare(a.storedAt ?? ''));
}

/** Finds an image by reference (redis, redis:7, …@sha256:…) or by id / id prefix (12+ hex). */
export async function findImage(nameOrId: string): Promise<ImageRecord | undefined> {
  const all = await listImages();
  const q = nameOrId.trim();
  if (isImageId(q)) {
    const id = q.startsWith('sha256:') ? q : `sha256:${q}`;
    return all.find((r) => r.id === id);
  }
  if (/^[a-f0-9]{12,63}$/.test(q)) {
    const hits = all.filter((r) => digestHex(r.id).startsWith(q));
    if (hits.length === 1) return hits[0];
  }
  let ref;
  try {
    ref = parseReference(q);
  } catch (e) {
    if (/^[a-f0-9]{12,63}$/.test(q)) return undefined;
    throw e;
  }
  if (ref.digest) {
    const want = `${repositoryName(ref)}@${ref.digest}`;
    return all.find((r) => r.repoDigests.includes(want) || r.manifestDigest === ref.digest && r.repoDigests.some((d) => d.startsWith(`${repositoryName(ref)}@`)));
  }
  const tag = formatReference(ref);
  return all.find((r) => r.repoTags.includes(tag));
}

export async function requireImage(nameOrId: string): Promise<ImageRecord> {
  const r = await findImage(nameOrId);
  if (!r) throw new RuntimeError('E_IMAGE_NOT_FOUND', `image "${nameOrId}": no such image`, { hint: 'pull it first: tscompose image pull ' + nameOrId });
  return r;
}

/**
 * Stores a record, merging with an existing record of the same id, and moves its tags away from any other
 * image (which then may become dangling, as Docker's do). Caller holds withImageStoreLock.
 */
export async function saveImageLocked(rec: ImageRecord): Promise<ImageRecord> {
  const all = await listImages();
  const old = all.find((r) => r.id === rec.id);
  const merged: ImageRecord = old
    ? { ...rec, repoTags: [...new Set([...old.repoTags, ...rec.repoTags])], repoDigests: [...new Set([...old.repoDigests, ...rec.repoDigests])], ...(rec.lastPulled ?? old.lastPulled ? { lastPulled: rec.lastPulled ?? old.lastPulled } : {}) }
    : rec;
  for (const other of all) {
    if (other.id === rec.id) continue;
    const kept = other.repoTags.filter((t) => !rec.repoTags.includes(t));
    if (kept.length !== other.repoTags.length) await writeRecord({ ...other, repoTags: kept });
  }
  await writeRecord(merged);
  return merged;
}

export function saveImage(rec: ImageRecord): Promise<ImageRecord> {
  return withImageStoreLock(() => saveImageLocked(rec));
}

/** Adds a tag (canonical form) to an image. */
export async function tagImage(source: string, target: string): Promise<string> {
  const tag = formatReference(parseReference(target));
  if (parseReference(target).digest) throw new RuntimeError('E_IMAGE_REF', `tag "${target}": a tag cannot contain a digest`);
  return withImageStoreLock(async () => {
    const rec = await requireImage(source);
    await saveImageLocked({ ...rec, repoTags: [tag] });
    return tag;
  });
}

export interface RemoveResult {
  untagged: string[];
  deleted?: string;
}

/**
 * Docker's `image rm`: a name untags; the record goes when no tag is left (or when removed by id, which needs
 * force if the image still has several tags). Blobs and snapshots are left for prune.
 */
export async function removeImage(nameOrId: string, opts: { force?: boolean; usedBy?: (rec: ImageRecord) => string[] } = {}): Promise<RemoveResult> {
  return withImageStoreLock(async () => {
    const rec = await requireImage(nameOrId);
    const byName = !isImageId(nameOrId) && !rec.id.includes(nameOrId) && !(/^[a-f0-9]{12,63}$/.test(nameOrId));
    let untagged: string[] = [];
    let left = rec.repoTags;
    if (byName) {
      const ref = parseReference(nameOrId);
      const t = ref.digest ? undefined : formatReference(ref);
      untagged = t ? [t] : rec.repoDigests.filter((d) => d.endsWith(`@${ref.digest}`));
      left = rec.repoTags.filter((x) => x !== t);
    } else {
      if (rec.repoTags.length > 1 && !opts.force) {
        throw new RuntimeError('E_IMAGE_IN_USE', `image "${nameOrId}": referenced in multiple repositories (${rec.repoTags.join(', ')})`, { hint: 'remove by name, or use --force' });
      }
      untagged = rec.repoTags;
      left = [];
    }
    if (left.length > 0) {
      await writeRecord({ ...rec, repoTags: left });
      return { untagged };
    }
    const users = opts.force ? [] : (opts.usedBy ?? containersUsing)(rec);
    if (users.length > 0) {
      throw new RuntimeError('E_IMAGE_IN_USE', `image "${nameOrId}": in use by container ${users.map((u) => `"${u}"`).join(', ')}`, { hint: 'remove the container first, or use --force' });
    }
    await fs.rm(recordPath(rec.id), { force: true });
    return { untagged: [...untagged, ...rec.repoDigests], deleted: rec.id };
  });
}

/** The names of the containers (running or not) made from this image. */
function containersUsing(rec: ImageRecord): string[] {
  return planImageUse(collectContainerUse(), [rec], rec.layers.map((l) => l.chainId)).images.get(rec.id) ?? [];
}

/** Deletes a record outright (prune). Caller holds the lock. */
export async function deleteImageRecordLocked(id: string): Promise<void> {
  await fs.rm(recordPath(id), { force: true });
}
