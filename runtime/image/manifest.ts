/**
 * Manifest media types and their parsing: OCI index, Docker manifest list, OCI manifest and Docker schema2.
 * Pure: bytes in, a typed manifest (or an error naming the image) out.
 */
import { RuntimeError } from '../errors.js';
import type { Platform } from './platform.js';

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** The Accept header for a manifest GET, most specific first. */
export const MANIFEST_ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface IndexManifest {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  kind: 'image';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export type AnyManifest = IndexManifest | ImageManifest;

export type Compression = 'gzip' | 'zstd' | 'none';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** `what` is the context prefix, e.g. `pull image "redis:7"`. */
function bad(what: string, why: string): RuntimeError {
  return new RuntimeError('E_IMAGE_MANIFEST', `${what}: invalid manifest: ${why}`);
}

function descriptor(x: unknown, where: string, image: string): Descriptor {
  const d = x as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object') throw bad(image, `${where} is not an object`);
  if (typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest)) throw bad(image, `${where}.digest "${String(d.digest)}" is not a sha256 digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw bad(image, `${where}.size is not a size`);
  return { mediaType: String(d.mediaType ?? ''), digest: d.digest, size: d.size, ...(d.platform ? { platform: d.platform } : {}), ...(d.annotations ? { annotations: d.annotations } : {}), ...(d.urls ? { urls: d.urls } : {}) };
}

/** Parses a manifest; the media type comes from the Content-Type header or the document itself. */
export function parseManifest(body: Buffer | string, contentType: string | undefined, image: string): AnyManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString()) as Record<string, unknown>;
  } catch {
    throw bad(image, 'not JSON');
  }
  if (!doc || typeof doc !== 'object') throw bad(image, 'not an object');
  const ct = (contentType ?? '').split(';')[0]!.trim();
  const mediaType = typeof doc.mediaType === 'string' && doc.mediaType ? doc.mediaType : ct;
  if (doc.schemaVersion === 1 || mediaType.startsWith('application/vnd.docker.distribution.manifest.v1+')) throw bad(image, 'Docker schema 1 manifests are not supported');
  const isIndex = mediaType === MT.ociIndex || mediaType === MT.dockerList || (!mediaType && Array.isArray(doc.manifests));
  if (isIndex) {
    if (!Array.isArray(doc.manifests)) throw bad(image, 'index without manifests');
    return { kind: 'index', mediaType: mediaType || MT.ociIndex, manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`, image)) };
  }
  if (mediaType === MT.ociManifest || mediaType === MT.dockerManifest || (!mediaType && doc.config)) {
    if (!Array.isArray(doc.layers)) throw bad(image, 'manifest without layers');
    return {
      kind: 'image',
      mediaType: mediaType || MT.ociManifest,
      config: descriptor(doc.config, 'config', image),
      layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`, image)),
    };
  }
  throw bad(image, `unsupported media type "${mediaType}"`);
}

/** The compression a layer's media type announces; unknown types are rejected rather than guessed. */
export function layerCompression(mediaType: string, image: string): Compression {
  if (mediaType === MT.ociLayerGzip || mediaType === MT.dockerLayerGzip || mediaType === MT.dockerForeignLayer || mediaType.endsWith('.tar+gzip')) return 'gzip';
  if (mediaType === MT.ociLayerZstd || mediaType.endsWith('.tar+zstd')) return 'zstd';
  if (mediaType === MT.ociLayer || mediaType.endsWith('.tar') || mediaType === '') return 'none';
  throw new RuntimeError('E_IMAGE_LAYER', `${image}: unsupported layer media type "${mediaType}"`);
}

/** Compression from the first bytes of a blob (used for tarballs whose layers carry no media type). */
export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}
