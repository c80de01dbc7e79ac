/**
 * Turns stored blobs (manifest → config → layers) into an unpacked image with a record: shared by pull's
 * siblings (load of a tarball). Layers are unpacked into their chain snapshots; compression is taken from
 * the media type or, for tarballs, sniffed from the blob's first bytes.
 */
import fs from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import { blobPath, blobStream, readBlob } from './content-store.js';
import { parseImageConfig } from './image-config.js';
import type { ImageRecord, LayerRecord } from './image-store.js';
import { layerCompression, sniffCompression, MT, type ImageManifest, type Compression } from './manifest.js';
import { normalisePlatform } from './platform.js';
import { chainIds } from '../snapshot/chain.js';
import { unpackLayer } from '../snapshot/unpack.js';

async function compressionOf(digest: string, mediaType: string, image: string): Promise<Compression> {
  if (mediaType && mediaType !== MT.dockerLayerGzip && mediaType !== MT.ociLayer) return layerCompression(mediaType, image);
  const fh = await fs.open(blobPath(digest), 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    return sniffCompression(head);
  } finally {
    await fh.close();
  }
}

export async function unpackStoredImage(manifest: ImageManifest, manifestDigest: string, opts: { repoTags: string[]; repoDigests: string[]; indexDigest?: string; what: string }): Promise<ImageRecord> {
  const cfg = parseImageConfig(await readBlob(manifest.config.digest), opts.what);
  if (cfg.diffIds.length !== manifest.layers.length) {
    throw new RuntimeError('E_IMAGE_MANIFEST', `${opts.what}: manifest has ${manifest.layers.length} layers but the config lists ${cfg.diffIds.length}`);
  }
  const chains = chainIds(cfg.diffIds);
  const layers: LayerRecord[] = manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType, diffId: cfg.diffIds[i]!, chainId: chains[i]! }));
  for (const [i, l] of layers.entries()) {
    const lwhat = `${opts.what}: layer ${l.digest}`;
    await unpackLayer({
      source: blobStream(l.digest) as unknown as import('node:stream').Readable,
      compression: await compressionOf(l.digest, l.mediaType, opts.what),
      diffId: l.diffId,
      chainId: l.chainId,
      ...(i > 0 ? { parentChainId: chains[i - 1]! } : {}),
      what: lwhat,
    });
  }
  return {
    id: manifest.config.digest,
    repoTags: opts.repoTags,
    repoDigests: opts.repoDigests,
    manifestDigest,
    manifestMediaType: manifest.mediaType,
    ...(opts.indexDigest ? { indexDigest: opts.indexDigest } : {}),
    configDigest: manifest.config.digest,
    layers,
    platform: normalisePlatform({ os: cfg.os || 'linux', architecture: cfg.architecture || 'amd64', ...(cfg.variant ? { variant: cfg.variant } : {}) }),
    created: cfg.created ?? '',
    storedAt: new Date().toISOString(),
    size: layers.reduce((s, l) => s + l.size, 0),
  };
}
