/**
 * Non-image OCI artifacts (a Compose project published to a registry): the manifest, resolved through
 * an index by artifact type when the tag names one, and every layer's bytes, each verified against its
 * digest and size. Artifacts are small (YAML and env files), so layers are read into memory.
 */
import { createHash } from 'node:crypto';
import { RuntimeError } from '../errors.js';
import { parseReference, repositoryName } from './reference.js';
import { RegistryClient, type ClientOptions } from './registry-client.js';

export interface ArtifactLayer {
  mediaType: string;
  digest: string;
  annotations: Record<string, string>;
  data: Buffer;
}

export interface Artifact {
  /** digest of the manifest that holds the layers */
  digest: string;
  artifactType?: string;
  configMediaType?: string;
  layers: ArtifactLayer[];
}

interface RawDescriptor { mediaType?: string; digest?: string; size?: number; artifactType?: string; annotations?: Record<string, string> }
interface RawManifest { mediaType?: string; artifactType?: string; config?: RawDescriptor; layers?: RawDescriptor[]; manifests?: RawDescriptor[] }

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MAX_LAYER = 16 * 1024 * 1024;

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function parse(body: Buffer, what: string): RawManifest {
  try {
    return JSON.parse(body.toString('utf8')) as RawManifest;
  } catch {
    throw new RuntimeError('E_ARTIFACT', `${what}: the registry returned a manifest that is not JSON`);
  }
}

/** Pure: the manifest of an index whose artifactType is `artifactType`, or an error naming the reference. */
export function selectArtifactManifest(index: RawManifest, artifactType: string, what: string): string {
  const m = (index.manifests ?? []).find((d) => d.artifactType === artifactType && typeof d.digest === 'string');
  if (!m) throw new RuntimeError('E_ARTIFACT', `${what}: the index does not refer to an artifact of type ${artifactType}`);
  return m.digest!;
}

/** Fetches `reference` (no scheme prefix) and its layers; `artifactType` selects a manifest from an index. */
export async function fetchArtifact(reference: string, artifactType: string, opts: ClientOptions = {}): Promise<Artifact> {
  const ref = parseReference(reference);
  const repo = ref.path;
  const what = `artifact ${repositoryName(ref)}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`;
  const client = new RegistryClient(ref.domain, opts);
  let got = await client.getManifest(repo, ref.digest ?? ref.tag ?? 'latest', what);
  let manifest = parse(got.body, what);
  let digest = sha256(got.body);
  if (ref.digest && digest !== ref.digest) throw new RuntimeError('E_DIGEST_MISMATCH', `${what}: manifest digest is ${digest}`);
  if (INDEX_TYPES.includes(manifest.mediaType ?? got.contentType)) {
    const child = selectArtifactManifest(manifest, artifactType, what);
    got = await client.getManifest(repo, child, what);
    digest = sha256(got.body);
    if (digest !== child) throw new RuntimeError('E_DIGEST_MISMATCH', `${what}: manifest ${child} has digest ${digest}`);
    manifest = parse(got.body, what);
  }
  const layers: ArtifactLayer[] = [];
  for (const d of manifest.layers ?? []) {
    if (typeof d.digest !== 'string' || typeof d.size !== 'number') throw new RuntimeError('E_ARTIFACT', `${what}: a layer has no digest or size`);
    if (d.size > MAX_LAYER) throw new RuntimeError('E_ARTIFACT', `${what}: layer ${d.digest} is ${d.size} bytes, more than an artifact file may be`);
    const res = await client.getBlob(repo, d.digest, 0, what);
    const data = Buffer.from(await res.arrayBuffer());
    if (data.length !== d.size || sha256(data) !== d.digest) {
      throw new RuntimeError('E_DIGEST_MISMATCH', `${what}: layer ${d.digest} does not match its digest or size`);
    }
    layers.push({ mediaType: d.mediaType ?? '', digest: d.digest, annotations: d.annotations ?? {}, data });
  }
  return {
    digest,
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.config?.mediaType ? { configMediaType: manifest.config.mediaType } : {}),
    layers,
  };
}
