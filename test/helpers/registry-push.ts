/**
 * Pushes an OCI image layout to a registry over raw HTTP (distribution v2 API), the way a client does:
 * HEAD each blob to skip what exists, else POST an upload and PUT it monolithically with ?digest=,
 * then PUT the manifest under its media type. Image indexes push their child manifests by digest first.
 * Kept apart from the product's own registry client so the test bed checks it rather than mirrors it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface PushTarget {
  url: string;
  username?: string;
  password?: string;
}

export interface PushResult {
  /** Digest of the manifest the tag points at. */
  manifestDigest: string;
  /** Blobs uploaded (not already present). */
  uploaded: string[];
  /** Blobs the registry already had. */
  skipped: string[];
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

function headers(target: PushTarget, extra: Record<string, string> = {}): Record<string, string> {
  if (target.username === undefined) return extra;
  return { ...extra, authorization: `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}` };
}

async function readBlob(layoutDir: string, digest: string): Promise<Buffer> {
  const [algo, hex] = digest.split(':');
  const data = await readFile(path.join(layoutDir, 'blobs', algo!, hex!));
  const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  if (algo === 'sha256' && actual !== digest) throw new Error(`blob ${digest} in ${layoutDir} has digest ${actual}`);
  return data;
}

async function fail(what: string, res: Response): Promise<never> {
  const body = (await res.text().catch(() => '')).slice(0, 500);
  throw new Error(`${what}: HTTP ${res.status} ${body}`);
}

async function pushBlob(target: PushTarget, repo: string, layoutDir: string, desc: Descriptor, result: PushResult): Promise<void> {
  const blobUrl = `${target.url}/v2/${repo}/blobs/${desc.digest}`;
  const head = await fetch(blobUrl, { method: 'HEAD', headers: headers(target) });
  if (head.status === 200) {
    result.skipped.push(desc.digest);
    return;
  }
  if (head.status !== 404) await fail(`HEAD blob ${desc.digest}`, head);
  const data = await readBlob(layoutDir, desc.digest);
  if (data.length !== desc.size) throw new Error(`blob ${desc.digest}: descriptor says ${desc.size} bytes, file has ${data.length}`);
  const start = await fetch(`${target.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: headers(target, { 'content-length': '0' }) });
  if (start.status !== 202) await fail(`start upload of ${desc.digest}`, start);
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (!location) throw new Error(`start upload of ${desc.digest}: no Location header`);
  const put = new URL(location, target.url);
  put.searchParams.set('digest', desc.digest);
  const res = await fetch(put, {
    method: 'PUT',
    headers: headers(target, { 'content-type': 'application/octet-stream', 'content-length': String(data.length) }),
    body: data,
  });
  if (res.status !== 201) await fail(`upload blob ${desc.digest}`, res);
  await res.arrayBuffer();
  result.uploaded.push(desc.digest);
}

async function pushManifest(target: PushTarget, repo: string, layoutDir: string, desc: Descriptor, reference: string, result: PushResult): Promise<void> {
  const raw = await readBlob(layoutDir, desc.digest);
  const manifest = JSON.parse(raw.toString('utf8')) as { mediaType?: string; config?: Descriptor; layers?: Descriptor[]; manifests?: Descriptor[] };
  const mediaType = manifest.mediaType ?? desc.mediaType;
  if (INDEX_TYPES.has(mediaType)) {
    for (const child of manifest.manifests ?? []) await pushManifest(target, repo, layoutDir, child, child.digest, result);
  } else {
    if (!manifest.config) throw new Error(`manifest ${desc.digest} has no config`);
    for (const blob of [manifest.config, ...(manifest.layers ?? [])]) await pushBlob(target, repo, layoutDir, blob, result);
  }
  const res = await fetch(`${target.url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: headers(target, { 'content-type': mediaType }),
    body: raw,
  });
  if (res.status !== 201) await fail(`put manifest ${reference}`, res);
  await res.arrayBuffer();
  const echoed = res.headers.get('docker-content-digest');
  if (echoed && echoed !== desc.digest) throw new Error(`put manifest ${reference}: registry computed ${echoed}, expected ${desc.digest}`);
}

/**
 * Pushes the image of an OCI layout dir as repo:tag. With several manifests in index.json, the one
 * annotated with org.opencontainers.image.ref.name = tag is taken, else the first.
 */
export async function pushImage(target: PushTarget, layoutDir: string, repo: string, tag: string): Promise<PushResult> {
  const where = `push ${layoutDir} to ${target.url.replace(/^https?:\/\//, '')}/${repo}:${tag}`;
  try {
    const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Array<Descriptor & { annotations?: Record<string, string> }> };
    const list = index.manifests ?? [];
    const top = list.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? list[0];
    if (!top) throw new Error('index.json lists no manifest');
    const result: PushResult = { manifestDigest: top.digest, uploaded: [], skipped: [] };
    await pushManifest(target, repo, layoutDir, top, tag, result);
    return result;
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
}
