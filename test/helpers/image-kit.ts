/**
 * Real OCI images for tests, made offline without Docker: `buildImage('busybox' | 'redis')` from this
 * host's Debian binaries, or `buildImageFromFiles(...)` for crafted ones (several layers, whiteouts,
 * "../" paths, absolute paths, symlink escapes, devices). Each build writes an OCI image layout and a
 * docker-archive tarball, cached under $TSCOMPOSE_TEST_CACHE (default /var/tmp/tscompose-test-cache, -<uid> if not root)
 * in images/<name>-<hash of inputs>. A build goes to a temp dir first and is renamed into place, so a
 * killed build never leaves a half-written cache entry. Building needs no root.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildLayer, type Compression, type FileEntry } from './image-layer.js';
import { RECIPES, type ImageSpec } from './image-recipes.js';
import { writeImage, type ImageRunConfig, type ManifestFormat } from './image-write.js';

export { withParents, type FileEntry, type FileType } from './image-layer.js';
export type { ImageRunConfig, ManifestFormat } from './image-write.js';

/** Bump when what the kit writes changes, so old cache entries are not reused. */
export const KIT_VERSION = 1;

export interface BuiltImage {
  name: string;
  /** "name:tag" as in the archive's RepoTags. */
  repoTag: string;
  /** OCI image layout directory. */
  layoutDir: string;
  /** docker-archive tarball (docker save format). */
  archivePath: string;
  manifestDigest: string;
  manifestMediaType: string;
  configDigest: string;
  /** Bottom layer first. */
  layers: Array<{ digest: string; size: number; diffId: string; mediaType: string }>;
  config: ImageRunConfig;
  /** True when this call found the image in the cache. */
  cached: boolean;
}

export interface BuildOptions {
  /** Cache root instead of $TSCOMPOSE_TEST_CACHE or /var/tmp/tscompose-test-cache. */
  cacheRoot?: string;
}

export interface CraftedImage {
  /** Repository name (default "crafted"). */
  name?: string;
  tag?: string;
  /** One layer's entries... */
  files?: FileEntry[];
  /** ...or several layers, bottom first. */
  layers?: FileEntry[][];
  config?: ImageRunConfig;
  /** Media types of the manifest: OCI (default) or Docker schema 2. */
  format?: ManifestFormat;
  compression?: Compression;
  /** Write entries in the given order instead of sorted (e.g. a file before its parent dir). */
  keepOrder?: boolean;
}

export function cacheRootDir(opts: BuildOptions = {}): string {
  if (opts.cacheRoot) return opts.cacheRoot;
  if (process.env.TSCOMPOSE_TEST_CACHE) return process.env.TSCOMPOSE_TEST_CACHE;
  // Per user, so a non-root run never trips over (or writes into) root's cache.
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? '/var/tmp/tscompose-test-cache' : `/var/tmp/tscompose-test-cache-${uid}`;
}

/** The cache key: kit version and every input, with file contents replaced by their sha256. */
async function inputHash(spec: Required<Omit<CraftedImage, 'files'>>): Promise<string> {
  const h = createHash('sha256');
  const fileHash = new Map<string, string>();
  const layers = [];
  for (const layer of spec.layers) {
    const entries = [];
    for (const e of layer) {
      const { hostPath, content, ...rest } = e;
      let data: string | undefined;
      if (hostPath !== undefined) {
        data = fileHash.get(hostPath);
        if (!data) fileHash.set(hostPath, (data = createHash('sha256').update(await readFile(hostPath)).digest('hex')));
      } else if (content !== undefined) {
        data = createHash('sha256').update(content).digest('hex');
      }
      entries.push({ ...rest, data });
    }
    layers.push(entries);
  }
  h.update(JSON.stringify({ kit: KIT_VERSION, name: spec.name, tag: spec.tag, layers, config: spec.config, format: spec.format, compression: spec.compression, keepOrder: spec.keepOrder }));
  return h.digest('hex').slice(0, 16);
}

interface CacheRecord extends Omit<BuiltImage, 'layoutDir' | 'archivePath' | 'cached'> {}

async function readCached(dir: string): Promise<BuiltImage | undefined> {
  try {
    const rec = JSON.parse(await readFile(path.join(dir, 'built.json'), 'utf8')) as CacheRecord;
    return { ...rec, layoutDir: path.join(dir, 'layout'), archivePath: path.join(dir, 'image.tar'), cached: true };
  } catch {
    return undefined;
  }
}

async function buildSpec(input: CraftedImage & { layers: FileEntry[][] }, opts: BuildOptions): Promise<BuiltImage> {
  const spec = {
    name: input.name ?? 'crafted',
    tag: input.tag ?? 'latest',
    layers: input.layers,
    config: input.config ?? {},
    format: input.format ?? 'oci',
    compression: input.compression ?? 'gzip',
    keepOrder: input.keepOrder ?? false,
  };
  if (!/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(spec.name)) throw new Error(`image kit: bad image name "${spec.name}"`);
  const key = await inputHash(spec);
  const images = path.join(cacheRootDir(opts), 'images');
  const finalDir = path.join(images, `${spec.name.replace(/\//g, '_')}-${key}`);
  const hit = await readCached(finalDir);
  if (hit) return hit;

  await mkdir(images, { recursive: true });
  const tmp = path.join(images, `.tmp-${path.basename(finalDir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp);
    const layers = [];
    for (const entries of spec.layers) layers.push(await buildLayer(entries, { compression: spec.compression, keepOrder: spec.keepOrder }));
    const repoTag = `${spec.name}:${spec.tag}`;
    const written = await writeImage({ layers, config: spec.config, format: spec.format, layoutDir: path.join(tmp, 'layout'), archivePath: path.join(tmp, 'image.tar'), repoTag });
    const record: CacheRecord = { name: spec.name, repoTag, config: spec.config, ...written };
    // built.json last: its presence marks a complete entry.
    await writeFile(path.join(tmp, 'built.json'), JSON.stringify(record, null, 2));
    try {
      await rename(tmp, finalDir);
    } catch (e) {
      // Another process finished the same build first: use theirs.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`image kit: build "${spec.name}:${spec.tag}": ${(e as Error).message}`, { cause: e });
  }
  const built = await readCached(finalDir);
  if (!built) throw new Error(`image kit: build "${spec.name}:${spec.tag}": cache entry ${finalDir} is incomplete`);
  return { ...built, cached: false };
}

/** Builds (or finds in the cache) one of the stock images: 'busybox' or 'redis'. */
export async function buildImage(name: string, opts: BuildOptions = {}): Promise<BuiltImage> {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`image kit: no recipe for "${name}" (have: ${Object.keys(RECIPES).join(', ')})`);
  const spec: ImageSpec = recipe();
  return buildSpec(spec, opts);
}

/** Builds (or finds in the cache) an image from explicit entries: `files` for one layer or `layers`. */
export async function buildImageFromFiles(image: CraftedImage, opts: BuildOptions = {}): Promise<BuiltImage> {
  if ((image.files === undefined) === (image.layers === undefined)) throw new Error('image kit: give either files (one layer) or layers');
  return buildSpec({ ...image, layers: image.layers ?? [image.files!] }, opts);
}
