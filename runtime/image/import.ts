/**
 * `image import`: a root file system tarball (plain or gzip, from a file or stdin) becomes a single-layer
 * image, as `docker import` makes it. The layer is stored uncompressed, so its digest is its diff id; the
 * config carries the platform, the --change instructions and a history entry; the layer is unpacked (and so
 * checked for unsafe paths) before the record is written, so a refused tarball leaves no image behind.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { RuntimeError } from '../errors.js';
import { ingestStream, putBlob, sha256Digest } from './content-store.js';
import { saveImage, type ImageRecord } from './image-store.js';
import { unpackStoredImage } from './image-build-record.js';
import { MT, parseManifest, type ImageManifest } from './manifest.js';
import { DEFAULT_PLATFORM, normalisePlatform, type Platform } from './platform.js';
import { formatReference, parseReference } from './reference.js';
import { applyChanges } from './import-changes.js';

export interface ImportOptions {
  /** REPOSITORY[:TAG] to tag the image with */
  reference?: string;
  /** Dockerfile instructions (CMD, ENTRYPOINT, ENV, …) applied to the config */
  changes?: string[];
  /** history comment (-m) */
  message?: string;
  platform?: Platform;
  /** shown in messages and history: the file name or "-" */
  sourceName: string;
  now?: Date;
}

/** Reads the first bytes to tell gzip from a plain tar; other compressions are refused by name. */
async function decompressed(source: Readable, what: string): Promise<AsyncIterable<unknown>> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  const firsts: Buffer[] = [];
  while (head.length < 6) {
    const r = await it.next();
    if (r.done) break;
    firsts.push(r.value as Buffer);
    head = Buffer.concat(firsts);
  }
  if (head.length === 0) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: the input is empty`);
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: bzip2 tarballs are not supported`, { hint: 'decompress it first, or use gzip' });
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: xz tarballs are not supported`, { hint: 'decompress it first, or use gzip' });
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: zstd tarballs are not supported`, { hint: 'decompress it first, or use gzip' });
  const whole = Readable.from((async function* () {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  })());
  if (head[0] !== 0x1f || head[1] !== 0x8b) return whole;
  const gunzip = zlib.createGunzip();
  whole.on('error', (e) => gunzip.destroy(e));
  return whole.pipe(gunzip);
}

export async function importImage(source: Readable, o: ImportOptions): Promise<ImageRecord> {
  const what = `import "${o.sourceName}"`;
  const ref = o.reference ? parseReference(o.reference) : undefined;
  if (ref?.digest) throw new RuntimeError('E_IMAGE_REF', `${what}: "${o.reference}": an imported image is tagged, not digested`);
  const now = (o.now ?? new Date()).toISOString();
  const platform = normalisePlatform(o.platform ?? DEFAULT_PLATFORM);
  const changed = applyChanges(o.changes ?? [], what);
  let layer: { digest: string; size: number };
  try {
    layer = await ingestStream(await decompressed(source, what), `${what}: layer`);
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError('E_IMAGE_IMPORT', `${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const config = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: now,
    config: changed,
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    history: [{ created: now, created_by: '', comment: o.message ?? `Imported from ${o.sourceName}` }],
  };
  const cbody = Buffer.from(JSON.stringify(config));
  const cdigest = sha256Digest(cbody);
  await putBlob(cdigest, cbody, `${what}: config`);
  const doc = { schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: cdigest, size: cbody.length }, layers: [{ mediaType: MT.ociLayer, digest: layer.digest, size: layer.size }] };
  const mbody = Buffer.from(JSON.stringify(doc));
  const mdigest = sha256Digest(mbody);
  await putBlob(mdigest, mbody, `${what}: manifest`);
  const manifest = parseManifest(mbody, MT.ociManifest, what) as ImageManifest;
  const repoTags = ref ? [formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag ?? 'latest' })] : [];
  const rec = await unpackStoredImage(manifest, mdigest, { repoTags, repoDigests: [], what });
  return saveImage(rec);
}
