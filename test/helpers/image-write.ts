/**
 * Writes a test image two ways: an OCI image layout directory (oci-layout, index.json, blobs/sha256/*)
 * and a docker-archive tarball as `docker save` makes it (manifest.json, <config>.json, one dir per
 * layer with layer.tar, repositories). All bytes are deterministic for the same inputs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXED_TIME, packTar, sha256, type BuiltLayer } from './image-layer.js';

/** The runtime part of an image config (OCI "config" object; Docker's capitalised keys). */
export interface ImageRunConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  [key: string]: unknown;
}

export type ManifestFormat = 'oci' | 'docker';

export interface WrittenImage {
  manifestDigest: string;
  manifestMediaType: string;
  configDigest: string;
  layers: Array<{ digest: string; size: number; diffId: string; mediaType: string }>;
}

const MEDIA = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: { gzip: 'application/vnd.oci.image.layer.v1.tar+gzip', none: 'application/vnd.oci.image.layer.v1.tar' },
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: { gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip', none: 'application/vnd.docker.image.rootfs.diff.tar' },
  },
} as const;

export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
}

/** Pure: the image config JSON bytes. */
export function imageConfigJson(run: ImageRunConfig, layers: BuiltLayer[]): Buffer {
  const created = FIXED_TIME.toISOString().replace('.000Z', 'Z');
  const config = {
    created,
    architecture: goArch(),
    os: 'linux',
    config: run,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created, created_by: `tscompose test image-kit: layer ${i + 1}` })),
  };
  return Buffer.from(JSON.stringify(config));
}

function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

async function tarFile(file: string, entries: Array<{ name: string; data?: Buffer; dir?: boolean }>): Promise<void> {
  await writeFile(file, await packTar(entries.map((e) => (e.dir ? { path: e.name, type: 'dir' as const } : { path: e.name, content: e.data! }))));
}

/** Writes the OCI layout to `layoutDir` and the docker archive to `archivePath`; returns the digests. */
export async function writeImage(opts: {
  layers: BuiltLayer[];
  config: ImageRunConfig;
  format?: ManifestFormat;
  layoutDir: string;
  archivePath: string;
  /** "name:tag" for the archive's RepoTags and the index's ref.name annotation. */
  repoTag: string;
}): Promise<WrittenImage> {
  const media = MEDIA[opts.format ?? 'oci'];
  const configBytes = imageConfigJson(opts.config, opts.layers);
  const configDigest = sha256(configBytes);
  const layerDescs = opts.layers.map((l) => ({
    mediaType: l.mediaType.endsWith('+gzip') ? media.layer.gzip : media.layer.none,
    digest: l.digest,
    size: l.size,
  }));
  const manifest = {
    schemaVersion: 2,
    mediaType: media.manifest,
    config: { mediaType: media.config, digest: configDigest, size: configBytes.length },
    layers: layerDescs,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256(manifestBytes);

  const blobs = path.join(opts.layoutDir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  await writeFile(path.join(opts.layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const l of opts.layers) await writeFile(path.join(blobs, hex(l.digest)), l.blob);
  await writeFile(path.join(blobs, hex(configDigest)), configBytes);
  await writeFile(path.join(blobs, hex(manifestDigest)), manifestBytes);
  const tag = opts.repoTag.slice(opts.repoTag.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: media.manifest, digest: manifestDigest, size: manifestBytes.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  await writeFile(path.join(opts.layoutDir, 'index.json'), JSON.stringify(index));

  // docker save layout: layer dirs named by a chain of ids (equal diffIds in two layers stay distinct).
  const entries: Array<{ name: string; data?: Buffer; dir?: boolean }> = [];
  const layerPaths: string[] = [];
  let parent = '';
  for (const l of opts.layers) {
    const id = hex(sha256(`${parent} ${l.diffId}`));
    entries.push({ name: id, dir: true });
    entries.push({ name: `${id}/VERSION`, data: Buffer.from('1.0') });
    entries.push({ name: `${id}/json`, data: Buffer.from(JSON.stringify(parent ? { id, parent } : { id })) });
    entries.push({ name: `${id}/layer.tar`, data: l.tar });
    layerPaths.push(`${id}/layer.tar`);
    parent = id;
  }
  const configName = `${hex(configDigest)}.json`;
  entries.push({ name: configName, data: configBytes });
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [opts.repoTag], Layers: layerPaths }])) });
  const repo = opts.repoTag.slice(0, opts.repoTag.lastIndexOf(':'));
  if (parent) entries.push({ name: 'repositories', data: Buffer.from(JSON.stringify({ [repo]: { [tag]: parent } })) });
  await tarFile(opts.archivePath, entries);

  return {
    manifestDigest,
    manifestMediaType: media.manifest,
    configDigest,
    layers: opts.layers.map((l, i) => ({ digest: l.digest, size: l.size, diffId: l.diffId, mediaType: layerDescs[i]!.mediaType })),
  };
}
