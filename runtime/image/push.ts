/**
 * Pushes a stored image: HEAD each blob first and upload only what the registry lacks (monolithic
 * POST + PUT ?digest=), then PUT the manifest under the tag.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { RuntimeError } from '../errors.js';
import { blobPath, readBlob } from './content-store.js';
import { requireImage } from './image-store.js';
import { familiarName, parseReference } from './reference.js';
import { RegistryClient, type ClientOptions } from './registry-client.js';

export interface PushProgress {
  id: string;
  status: 'exists' | 'pushing' | 'pushed';
  current: number;
  total: number;
}

export interface PushOptions extends ClientOptions {
  onProgress?: (p: PushProgress) => void;
}

export async function pushImage(name: string, opts: PushOptions = {}): Promise<{ digest: string; size: number }> {
  const ref = parseReference(name);
  if (ref.digest && !ref.tag) throw new RuntimeError('E_IMAGE_REF', `push "${name}": push needs a tag, not a digest`);
  const what = `push image "${familiarName(ref)}"`;
  const rec = await requireImage(name);
  const client = new RegistryClient(ref.domain, opts);
  const scope = RegistryClient.pushScope(ref.path);
  const blobs = [...rec.layers.map((l) => ({ digest: l.digest, size: l.size })), { digest: rec.configDigest, size: -1 }];
  for (const b of blobs) {
    const id = b.digest.slice(7, 19);
    const size = (await fs.stat(blobPath(b.digest))).size;
    if (await client.hasBlob(ref.path, b.digest, what, scope)) {
      opts.onProgress?.({ id, status: 'exists', current: size, total: size });
      continue;
    }
    opts.onProgress?.({ id, status: 'pushing', current: 0, total: size });
    const start = await client.request(`/v2/${ref.path}/blobs/uploads/`, { method: 'POST', scope, what, headers: { 'content-length': '0' } });
    await start.body?.cancel();
    const loc = start.headers.get('location');
    if (!loc) throw new RuntimeError('E_REGISTRY', `${what}: upload start for ${b.digest} returned no Location`);
    const url = new URL(loc, client.base);
    url.searchParams.set('digest', b.digest);
    const body = Readable.toWeb(createReadStream(blobPath(b.digest), { highWaterMark: 1 << 20 })) as unknown as ReadableStream;
    const put = await client.request(url.toString(), {
      method: 'PUT', scope, what: `${what}: blob ${b.digest}`, body, duplex: 'half',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    });
    await put.body?.cancel();
    opts.onProgress?.({ id, status: 'pushed', current: size, total: size });
  }
  const manifest = await readBlob(rec.manifestDigest);
  const res = await client.request(`/v2/${ref.path}/manifests/${ref.tag ?? 'latest'}`, {
    method: 'PUT', scope, what, body: new Uint8Array(manifest), headers: { 'content-type': rec.manifestMediaType },
  });
  await res.body?.cancel();
  return { digest: rec.manifestDigest, size: manifest.length };
}
