/**
 * Runs a planned build: each stage starts from scratch, an earlier stage, or a stored image (pulled when
 * missing or when asked); each step is looked up in the cache by (parent chain, step meaning) and made only
 * on a miss (RUN in a container, COPY/ADD/WORKDIR from a staging dir); metadata steps change the config.
 * The target stage becomes an image in the store (uncompressed layers, config with history and diff ids),
 * tagged as asked. A failed build removes the snapshots, blobs and cache records it made.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import { paths } from '../store/paths.js';
import { putBlob, readBlob, removeBlob, sha256Digest } from '../image/content-store.js';
import { findImage, listImages, saveImage, type ImageRecord } from '../image/image-store.js';
import { unpackStoredImage } from '../image/image-build-record.js';
import { MT, parseManifest, type ImageManifest } from '../image/manifest.js';
import { formatReference, parseReference } from '../image/reference.js';
import { chainIds } from '../snapshot/chain.js';
import { linksDir, removeSnapshot, shortLinkName } from '../snapshot/snapshot-store.js';
import { mountOverlay, prepareContainerLayer, removeContainerLayer, unmountOverlay } from '../snapshot/overlay.js';
import type { BuildStagePlan, BuildStep, CopySource, DockerImageConfig } from './types.js';
import { lookupCache, planCacheKey, recordCache, buildCacheDir } from './build-cache.js';
import { digestTree, stageCopy } from './copy-step.js';
import type { SourceRoot } from './copy-sources.js';
import { ensureSnapshot, writeLayerBlob, type BuiltLayer } from './layer-tar.js';
import { execRunStep } from './run-step.js';

export type BuildEvent =
  | { kind: 'step'; n: number; text: string }
  | { kind: 'output'; n: number; line: string; elapsedMs: number }
  | { kind: 'cached'; n: number }
  | { kind: 'done'; n: number; ms: number }
  | { kind: 'error'; n: number; message: string };

export interface BuildRequest {
  stages: BuildStagePlan[];
  contextDir: string;
  ignored?: (rel: string) => boolean;
  /** references to tag the image with */
  tags: string[];
  /** labels added to the image config (compose's) */
  labels?: Record<string, string>;
  noCache?: boolean;
  /** pull base images even when stored */
  pull?: boolean;
  /** pulls a missing base image (runtime's pull, given by the caller with its registry options) */
  pullImage(ref: string): Promise<ImageRecord>;
  /** `build service "web"` */
  what: string;
  onEvent?(e: BuildEvent): void;
}

export interface BuildResult { record: ImageRecord; steps: number; cached: number }

interface HistoryEntry { created: string; created_by: string; empty_layer?: true; comment?: string; author?: string }
interface LayerDesc { mediaType: string; digest: string; size: number }
interface StageState { diffIds: string[]; layers: LayerDesc[]; config: DockerImageConfig; history: HistoryEntry[]; created: string }

/** Pure: overlay lower dirs (topmost first) for a chain of diff ids. */
export function lowerDirsOf(diffIds: readonly string[]): string[] {
  return chainIds(diffIds).reverse().map((c) => path.join(linksDir(), shortLinkName(c)));
}

async function imageState(rec: ImageRecord, what: string): Promise<StageState> {
  const raw = JSON.parse((await readBlob(rec.configDigest)).toString()) as Record<string, unknown>;
  const rootfs = raw.rootfs as { diff_ids?: string[] } | undefined;
  if (!rootfs?.diff_ids) throw new RuntimeError('E_IMAGE_CONFIG', `${what}: image config has no rootfs.diff_ids`);
  if (rootfs.diff_ids.length !== rec.layers.length) throw new RuntimeError('E_IMAGE_CONFIG', `${what}: the image's config and record disagree on its layers`);
  return { diffIds: rootfs.diff_ids, layers: rec.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })), config: (raw.config ?? {}) as DockerImageConfig, history: (raw.history ?? []) as HistoryEntry[], created: typeof raw.created === 'string' ? raw.created : '' };
}

export async function execBuild(req: BuildRequest): Promise<BuildResult> {
  const made = { snapshots: [] as string[], blobs: [] as string[], cache: [] as string[] };
  try {
    return await buildStages(req, made);
  } catch (e) {
    await undoBuild(made);
    throw e;
  }
}

async function undoBuild(made: { snapshots: string[]; blobs: string[]; cache: string[] }): Promise<void> {
  const used = new Set((await listImages()).flatMap((r) => r.layers.map((l) => l.digest)));
  for (const c of made.snapshots) await removeSnapshot(c).catch(() => undefined);
  for (const b of made.blobs) if (!used.has(b)) await removeBlob(b).catch(() => undefined);
  for (const k of made.cache) await fs.rm(path.join(buildCacheDir(), `${k}.json`), { force: true });
}

async function buildStages(req: BuildRequest, made: { snapshots: string[]; blobs: string[]; cache: string[] }): Promise<BuildResult> {
  const results = new Map<number, StageState>();
  const images = new Map<string, ImageRecord>();
  const image = async (ref: string): Promise<ImageRecord> => {
    let rec = images.get(ref);
    if (!rec) {
      rec = (!req.pull && (await findImage(ref))) || (await req.pullImage(ref));
      images.set(ref, rec);
    }
    return rec;
  };
  let n = 0;
  let stepsRun = 0;
  let cachedSteps = 0;
  for (const stage of req.stages) {
    const label = stage.name ?? `stage-${stage.index}`;
    n++;
    req.onEvent?.({ kind: 'step', n, text: `[${label}] ${stage.display}` });
    const t0 = Date.now();
    const base = stage.base.kind === 'scratch' ? { diffIds: [], layers: [], config: {}, history: [], created: '' }
      : stage.base.kind === 'stage' ? results.get(stage.base.index)!
      : await imageState(await image(stage.base.ref), `${req.what}: FROM ${stage.base.ref}`);
    req.onEvent?.({ kind: 'done', n, ms: Date.now() - t0 });
    const ev = stage.evaluate(base.config);
    const state: StageState = { diffIds: [...base.diffIds], layers: [...base.layers], config: ev.config, history: [...base.history], created: base.created };
    const total = ev.steps.length;
    for (const [i, step] of ev.steps.entries()) {
      n++;
      stepsRun++;
      const what = `${req.what}: [${label} ${i + 1}/${total}] ${step.display}`;
      req.onEvent?.({ kind: 'step', n, text: `[${label} ${i + 1}/${total}] ${step.display}` });
      const started = Date.now();
      const parent = state.diffIds.length ? chainIds(state.diffIds).at(-1) : undefined;
      if (step.kind === 'config') {
        state.history.push({ created: state.created, created_by: step.createdBy, empty_layer: true, ...(ev.author ? { author: ev.author } : {}) });
        req.onEvent?.({ kind: 'done', n, ms: Date.now() - started });
        continue;
      }
      const result = await execLayerStep(step, state, parent, { ...req, what, onOutput: (line) => req.onEvent?.({ kind: 'output', n, line, elapsedMs: Date.now() - started }) }, results, image, made);
      if (result.cached) { cachedSteps++; req.onEvent?.({ kind: 'cached', n }); } else req.onEvent?.({ kind: 'done', n, ms: Date.now() - started });
      if (!result.layer) {
        state.history.push({ created: state.created, created_by: step.createdBy, empty_layer: true });
        continue;
      }
      state.diffIds.push(result.layer.diffId);
      state.layers.push({ mediaType: MT.ociLayer, digest: result.layer.diffId, size: result.layer.size });
      state.created = result.created;
      const snap = await ensureSnapshot(state.diffIds, `${what}: layer ${result.layer.diffId}`);
      if (snap.created) made.snapshots.push(snap.chainId);
      state.history.push({ created: result.created, created_by: step.createdBy, comment: 'buildkit.dockerfile.v0' });
    }
    results.set(stage.index, state);
  }
  const target = results.get(req.stages[req.stages.length - 1]!.index)!;
  const record = await storeImage(target, req);
  return { record, steps: stepsRun, cached: cachedSteps };
}

interface StepResult { layer?: BuiltLayer; cached: boolean; created: string }

async function execLayerStep(
  step: Exclude<BuildStep, { kind: 'config' }>, state: StageState, parent: string | undefined,
  o: BuildRequest & { onOutput(line: string): void }, results: Map<number, StageState>, image: (ref: string) => Promise<ImageRecord>,
  made: { snapshots: string[]; blobs: string[]; cache: string[] },
): Promise<StepResult> {
  const lowers = lowerDirsOf(state.diffIds);
  const tmp = path.join(paths().tmp, `build-${randomBytes(8).toString('hex')}`);
  const finish = async (key: string, layer: BuiltLayer): Promise<StepResult> => {
    const created = new Date().toISOString();
    made.blobs.push(layer.diffId);
    made.cache.push(key);
    await recordCache(key, { ...layer, created });
    return { layer, cached: false, created };
  };
  const cached = async (key: string): Promise<StepResult | undefined> => {
    if (o.noCache) return undefined;
    const hit = await lookupCache(key);
    return hit ? { layer: { diffId: hit.diffId, size: hit.size }, cached: true, created: hit.created } : undefined;
  };
  try {
    if (step.kind === 'run') {
      const key = planCacheKey(parent, step.cacheKey);
      return (await cached(key)) ?? (await finish(key, await execRunStep(step, lowers, { what: o.what, onOutput: o.onOutput })));
    }
    if (step.kind === 'workdir') {
      const rel = step.path.replace(/^\/+/, '');
      if (rel === '' || (await isDirInImage(lowers, rel))) return { cached: false, created: state.created };
      const key = planCacheKey(parent, step.cacheKey);
      const hit = await cached(key);
      if (hit) return hit;
      await fs.mkdir(tmp, { recursive: true });
      await stageWorkdir(tmp, rel, lowers);
      return finish(key, await writeLayerBlob(tmp, { what: o.what }));
    }
    await fs.mkdir(tmp, { recursive: true });
    await withSourceRoot(step.from, o, results, image, async (root) => stageCopy(step, root, lowers, tmp, o.what));
    const key = planCacheKey(parent, `${step.cacheKey}\n${await digestTree(tmp)}`);
    return (await cached(key)) ?? (await finish(key, await writeLayerBlob(tmp, { what: o.what })));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function isDirInImage(lowers: string[], rel: string): Promise<boolean> {
  for (const d of lowers) {
    const st = await fs.lstat(path.join(d, rel)).catch(() => undefined);
    if (st) return st.isDirectory();
  }
  return false;
}

async function stageWorkdir(staging: string, rel: string, lowers: string[]): Promise<void> {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const r = parts.slice(0, i).join('/');
    let st;
    for (const d of lowers) { st = await fs.lstat(path.join(d, r)).catch(() => undefined); if (st) break; }
    await fs.mkdir(path.join(staging, r));
    await fs.chmod(path.join(staging, r), st?.isDirectory() ? st.mode & 0o7777 : 0o755);
    if (st?.isDirectory()) await fs.lchown(path.join(staging, r), st.uid, st.gid);
  }
}

/** Calls fn with the root COPY reads from: the context, or another stage's/image's rootfs mounted read-only. */
async function withSourceRoot<T>(from: CopySource, o: BuildRequest, results: Map<number, StageState>, image: (ref: string) => Promise<ImageRecord>, fn: (root: SourceRoot) => Promise<T>): Promise<T> {
  if (from.kind === 'context') return fn({ dir: o.contextDir, name: 'the build context', ...(o.ignored ? { ignored: o.ignored } : {}) });
  const diffIds = from.kind === 'stage' ? results.get(from.index)!.diffIds : (await imageState(await image(from.ref), `${o.what}: --from=${from.ref}`)).diffIds;
  const name = from.kind === 'stage' ? `stage ${from.index}` : `image "${from.ref}"`;
  const id = `build-${randomBytes(8).toString('hex')}`;
  const target = path.join(paths().tmp, `${id}-rootfs`);
  await fs.mkdir(target, { recursive: true });
  if (diffIds.length === 0) {
    try { return await fn({ dir: target, name }); } finally { await fs.rm(target, { recursive: true, force: true }); }
  }
  const layer = await prepareContainerLayer(id);
  let mounted = false;
  try {
    await mountOverlay(chainIds(diffIds), layer, target, `${o.what}: mount ${name}`);
    mounted = true;
    return await fn({ dir: target, name });
  } finally {
    if (mounted) unmountOverlay(target, `${o.what}: unmount ${name}`);
    await fs.rm(target, { recursive: true, force: true });
    await removeContainerLayer(id);
  }
}

async function storeImage(st: StageState, req: BuildRequest): Promise<ImageRecord> {
  const config = { ...st.config, Labels: { ...st.config.Labels, ...req.labels } };
  if (Object.keys(config.Labels).length === 0) delete (config as { Labels?: unknown }).Labels;
  const doc = {
    architecture: 'amd64',
    os: 'linux',
    created: st.created || new Date(0).toISOString(),
    config,
    rootfs: { type: 'layers', diff_ids: st.diffIds },
    history: st.history,
  };
  if (st.diffIds.length === 0) throw new RuntimeError('E_BUILD_EMPTY', `${req.what}: the image has no layers`, { hint: 'add a COPY or RUN step, or build FROM an image' });
  const cbody = Buffer.from(JSON.stringify(doc));
  const cdigest = sha256Digest(cbody);
  await putBlob(cdigest, cbody, `${req.what}: config`);
  const layers = st.layers;
  const mbody = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: cdigest, size: cbody.length }, layers }));
  const mdigest = sha256Digest(mbody);
  await putBlob(mdigest, mbody, `${req.what}: manifest`);
  const manifest = parseManifest(mbody, MT.ociManifest, req.what) as ImageManifest;
  const repoTags = req.tags.map((t) => { const r = parseReference(t); return formatReference({ domain: r.domain, path: r.path, tag: r.tag ?? 'latest' }); });
  const rec = await unpackStoredImage(manifest, mdigest, { repoTags, repoDigests: [], what: req.what });
  return saveImage(rec);
}
