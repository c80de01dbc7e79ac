/**
 * `image load` and `image save`. Load reads a docker-archive (manifest.json, as `docker save` and podman
 * write it, including Docker 25+'s OCI-backed form with symlinks) or an OCI image layout tarball (index.json),
 * plain or gzip-compressed, streaming every file into the content store by content. Save writes one tarball
 * that is both: an OCI layout (oci-layout, index.json, blobs/sha256/…) plus manifest.json and repositories,
 * so docker, podman and tscompose all load it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { RuntimeError } from '../errors.js';
import { blobPath, ingestStream, putBlob, readBlob, sha256Digest, hasBlob } from './content-store.js';
import { saveImage, requireImage, type ImageRecord } from './image-store.js';
import { unpackStoredImage } from './image-build-record.js';
import { parseManifest, MT, type ImageManifest, type Descriptor } from './manifest.js';
import { DEFAULT_PLATFORM, selectPlatform, type Platform } from './platform.js';
import { familiarName, formatReference, parseReference } from './reference.js';
import { splitLayerPath } from '../snapshot/layer-paths.js';

const SMALL = 4 << 20;
const IN_MEMORY = /(^|\/)(manifest\.json|index\.json|oci-layout|repositories|[^/]*\.json)$/;

interface Archive {
  /** normalised path → small file bytes */
  small: Map<string, Buffer>;
  /** normalised path → stored blob */
  blobs: Map<string, { digest: string; size: number }>;
  /** normalised path → normalised target */
  links: Map<string, string>;
}

function norm(name: string, what: string): string {
  const parts = splitLayerPath(name);
  if (!Array.isArray(parts)) throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: bad entry "${name}": ${parts.why}`);
  return parts.join('/');
}

async function readArchive(file: string, what: string): Promise<Archive> {
  const a: Archive = { small: new Map(), blobs: new Map(), links: new Map() };
  const fh = await fs.open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: ${e.code ?? e.message}`);
  });
  const head = Buffer.alloc(2);
  await fh.read(head, 0, 2, 0);
  await fh.close();
  const extract = tar.extract();
  const src = createReadStream(file);
  const input = head[0] === 0x1f && head[1] === 0x8b ? src.pipe(zlib.createGunzip()) : src;
  input.on('error', (e: Error) => extract.destroy(e));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const name = norm(h.name, what);
      if (h.type === 'symlink') {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(name), h.linkname ?? ''));
        a.links.set(name, norm(target, what));
        entry.resume();
      } else if (h.type === 'file' || h.type === 'contiguous-file') {
        if (IN_MEMORY.test(name) && (h.size ?? 0) <= SMALL) {
          const chunks: Buffer[] = [];
          for await (const c of entry) chunks.push(c as Buffer);
          a.small.set(name, Buffer.concat(chunks));
        } else {
          a.blobs.set(name, await ingestStream(entry, `${what}: ${name}`));
        }
      } else {
        entry.resume();
      }
    }
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: not a readable tar archive: ${(e as Error).message}`);
  }
  return a;
}

function resolve(a: Archive, name: string): string {
  let n = name;
  for (let i = 0; i < 16 && a.links.has(n); i++) n = a.links.get(n)!;
  return n;
}

/** A file of the archive as a stored blob (small files are stored on demand). */
async function blobOf(a: Archive, name: string, what: string): Promise<{ digest: string; size: number }> {
  const n = resolve(a, norm(name, what));
  const b = a.blobs.get(n);
  if (b) return b;
  const s = a.small.get(n);
  if (!s) throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: the archive has no file "${name}"`);
  const digest = sha256Digest(s);
  await putBlob(digest, s, `${what}: ${name}`);
  return { digest, size: s.length };
}

async function bytesOf(a: Archive, name: string, what: string): Promise<Buffer> {
  const n = resolve(a, norm(name, what));
  return a.small.get(n) ?? (a.blobs.has(n) ? readBlob(a.blobs.get(n)!.digest) : Promise.reject(new RuntimeError('E_IMAGE_ARCHIVE', `${what}: the archive has no file "${name}"`)));
}

function canonicalTags(tags: readonly string[]): string[] {
  return tags.map((t) => formatReference(parseReference(t)));
}

async function loadDockerArchive(a: Archive, what: string): Promise<ImageRecord[]> {
  const list = JSON.parse((await bytesOf(a, 'manifest.json', what)).toString()) as Array<{ Config: string; RepoTags?: string[] | null; Layers: string[] }>;
  if (!Array.isArray(list)) throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: manifest.json is not a list`);
  const out: ImageRecord[] = [];
  for (const m of list) {
    const config = await blobOf(a, m.Config, what);
    const layers: Descriptor[] = [];
    for (const l of m.Layers) {
      const b = await blobOf(a, l, what);
      layers.push({ mediaType: '', digest: b.digest, size: b.size });
    }
    // Synthesise an OCI manifest so the image can be pushed and saved like a pulled one.
    const head = async (d: string) => {
      const fh = await fs.open(blobPath(d), 'r');
      const buf = Buffer.alloc(4);
      await fh.read(buf, 0, 4, 0);
      await fh.close();
      return buf;
    };
    for (const l of layers) {
      const h = await head(l.digest);
      l.mediaType = h[0] === 0x1f && h[1] === 0x8b ? MT.ociLayerGzip : h[0] === 0x28 && h[1] === 0xb5 ? MT.ociLayerZstd : MT.ociLayer;
    }
    const doc = { schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: config.digest, size: config.size }, layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })) };
    const body = Buffer.from(JSON.stringify(doc));
    const mdigest = sha256Digest(body);
    await putBlob(mdigest, body, `${what}: manifest`);
    const manifest = parseManifest(body, MT.ociManifest, what) as ImageManifest;
    const tags = canonicalTags(m.RepoTags ?? []);
    const rec = await unpackStoredImage(manifest, mdigest, { repoTags: tags, repoDigests: [], what: `${what}: image ${tags[0] ? familiarName(parseReference(tags[0])) : config.digest}` });
    out.push(await saveImage(rec));
  }
  return out;
}

async function loadOciLayout(a: Archive, what: string, platform: Platform): Promise<ImageRecord[]> {
  const index = parseManifest(await bytesOf(a, 'index.json', what), MT.ociIndex, what);
  if (index.kind !== 'index') throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: index.json is not an image index`);
  const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
  const out: ImageRecord[] = [];
  for (const desc of index.manifests) {
    const ann = desc.annotations ?? {};
    const refName = ann['io.containerd.image.name'] ?? ann['org.opencontainers.image.ref.name'];
    const tags = refName && /[:/]/.test(refName) ? canonicalTags([refName]) : [];
    const iwhat = `${what}: image ${tags[0] ? familiarName(parseReference(tags[0])) : desc.digest}`;
    let mb = await blobOf(a, blob(desc.digest), iwhat);
    let parsed = parseManifest(await readBlob(mb.digest), desc.mediaType, iwhat);
    let indexDigest: string | undefined;
    if (parsed.kind === 'index') {
      indexDigest = mb.digest;
      const chosen = selectPlatform(parsed.manifests, platform, refName ?? desc.digest);
      mb = await blobOf(a, blob(chosen.digest), iwhat);
      parsed = parseManifest(await readBlob(mb.digest), chosen.mediaType, iwhat);
      if (parsed.kind !== 'image') throw new RuntimeError('E_IMAGE_ARCHIVE', `${iwhat}: nested index`);
    }
    await blobOf(a, blob(parsed.config.digest), iwhat);
    for (const l of parsed.layers) await blobOf(a, blob(l.digest), iwhat);
    const rec = await unpackStoredImage(parsed, mb.digest, { repoTags: tags, repoDigests: [], ...(indexDigest ? { indexDigest } : {}), what: iwhat });
    out.push(await saveImage(rec));
  }
  return out;
}

/** Loads every image of a tarball; returns their records. */
export async function loadImages(file: string, opts: { platform?: Platform } = {}): Promise<ImageRecord[]> {
  const what = `load "${file}"`;
  const a = await readArchive(file, what);
  if (a.small.has('manifest.json') || a.links.has('manifest.json')) return loadDockerArchive(a, what);
  if (a.small.has('index.json')) return loadOciLayout(a, what, opts.platform ?? DEFAULT_PLATFORM);
  throw new RuntimeError('E_IMAGE_ARCHIVE', `${what}: neither a docker-archive (manifest.json) nor an OCI layout (index.json)`);
}

/** Writes the images to a tarball readable by docker load, podman load and tscompose image load. */
export async function saveImages(names: readonly string[], file: string): Promise<void> {
  const what = `save to "${file}"`;
  const recs: Array<{ rec: ImageRecord; tags: string[] }> = [];
  for (const n of names) {
    const rec = await requireImage(n);
    let tags = rec.repoTags;
    try {
      const ref = parseReference(n);
      if (!ref.digest && rec.repoTags.includes(formatReference(ref))) tags = [formatReference(ref)];
    } catch {
      // an id: keep all tags
    }
    recs.push({ rec, tags });
  }
  const pack = tar.pack();
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp);
  const done = pipeline(pack as unknown as NodeJS.ReadableStream, out);
  const mtime = new Date(0);
  const written = new Set<string>();
  const addBytes = (name: string, b: Buffer) =>
    new Promise<void>((res, rej) => pack.entry({ name, size: b.length, mode: 0o644, mtime }, b, (e) => (e ? rej(e) : res())));
  const addBlob = async (digest: string) => {
    if (written.has(digest)) return;
    written.add(digest);
    if (!(await hasBlob(digest))) throw new RuntimeError('E_BLOB_MISSING', `${what}: blob ${digest} is not in the store`, { hint: 'pull the image again' });
    const st = await fs.stat(blobPath(digest));
    await new Promise<void>((res, rej) => {
      const sink = pack.entry({ name: `blobs/sha256/${digest.slice(7)}`, size: st.size, mode: 0o644, mtime }, (e) => (e ? rej(e) : res()));
      const rs = createReadStream(blobPath(digest));
      rs.on('error', rej);
      rs.pipe(sink as unknown as NodeJS.WritableStream);
    });
  };
  try {
    for (const dname of ['blobs/', 'blobs/sha256/']) await new Promise<void>((res, rej) => pack.entry({ name: dname, type: 'directory', mode: 0o755, mtime }, (e) => (e ? rej(e) : res())));
    const index: Descriptor[] = [];
    const manifestJson: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
    const repositories: Record<string, Record<string, string>> = {};
    for (const { rec, tags } of recs) {
      await addBlob(rec.configDigest);
      for (const l of rec.layers) await addBlob(l.digest);
      await addBlob(rec.manifestDigest);
      const msize = (await fs.stat(blobPath(rec.manifestDigest))).size;
      const familiar = tags.map((t) => familiarName(parseReference(t)));
      for (const t of tags.length ? tags : [undefined]) {
        const annotations: Record<string, string> = {};
        if (t) {
          const r = parseReference(t);
          annotations['io.containerd.image.name'] = t;
          annotations['org.opencontainers.image.ref.name'] = r.tag ?? 'latest';
          const repo = familiarName({ domain: r.domain, path: r.path });
          (repositories[repo] ??= {})[r.tag ?? 'latest'] = rec.layers[rec.layers.length - 1]?.digest.slice(7) ?? '';
        }
        index.push({ mediaType: rec.manifestMediaType, digest: rec.manifestDigest, size: msize, ...(t ? { annotations } : {}) });
      }
      manifestJson.push({ Config: `blobs/sha256/${rec.configDigest.slice(7)}`, RepoTags: familiar, Layers: rec.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`) });
    }
    await addBytes('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    await addBytes('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: index })));
    await addBytes('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
    await addBytes('repositories', Buffer.from(JSON.stringify(repositories)));
    pack.finalize();
    await done;
    await fs.rename(tmp, file);
  } catch (e) {
    pack.destroy();
    await done.catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e instanceof RuntimeError ? e : new RuntimeError('E_IMAGE_SAVE', `${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

