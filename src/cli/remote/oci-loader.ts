/**
 * `oci://registry/repo:tag` in `include` or `extends.file`: a Compose project published as an OCI
 * artifact (artifact type application/vnd.docker.compose.project, one layer per Compose file and env
 * file), fetched with the product's registry client and unpacked into the remote cache by manifest
 * digest. The first Compose layer is compose.yaml; later ones are appended to it as further YAML
 * documents, except files annotated as extends targets, which keep their own name.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { ResourceLoader } from '../../compose/resources.js';
import { installDirectory, remoteCacheDir, remoteEnabled } from './cache.js';

export const OCI_PREFIX = 'oci://';
export const COMPOSE_ARTIFACT_TYPE = 'application/vnd.docker.compose.project';
export const COMPOSE_FILE_MEDIA_TYPE = 'application/vnd.docker.compose.file+yaml';
export const COMPOSE_ENVFILE_MEDIA_TYPE = 'application/vnd.docker.compose.envfile';
export const COMPOSE_EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.docker.compose.config.empty.v1+json';

export interface ArtifactFile { name: string; data: Buffer; append: boolean }

interface LayerLike { mediaType: string; annotations: Record<string, string>; data: Buffer }

/** Pure: a file name an artifact may write: one path component, nothing that climbs out. */
function safeName(name: string | undefined, ref: string): string {
  if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw new UserError('E_REMOTE_RESOURCE', `${ref}: invalid OCI artifact (file name ${JSON.stringify(name ?? '')})`);
  }
  return name;
}

/** Pure: the files an artifact's layers become, in order (the layout docker compose publishes). */
export function planArtifactFiles(ref: string, artifactType: string | undefined, configMediaType: string | undefined, layers: LayerLike[]): ArtifactFile[] {
  if ((artifactType && artifactType !== COMPOSE_ARTIFACT_TYPE) || (!artifactType && configMediaType !== COMPOSE_EMPTY_CONFIG_MEDIA_TYPE)) {
    throw new UserError('E_REMOTE_RESOURCE', `${ref} is not a compose project OCI artifact, but ${artifactType || configMediaType || 'an unknown type'}`);
  }
  const out: ArtifactFile[] = [];
  layers.forEach((l, i) => {
    if (l.mediaType === COMPOSE_FILE_MEDIA_TYPE) {
      const extendsTarget = 'com.docker.compose.extends' in l.annotations;
      const name = extendsTarget ? safeName(l.annotations['com.docker.compose.file'], ref) : 'compose.yaml';
      const separator = i > 0 && 'com.docker.compose.file' in l.annotations && !extendsTarget;
      out.push({ name, data: separator ? Buffer.concat([Buffer.from('\n---\n'), l.data]) : l.data, append: !extendsTarget });
    } else if (l.mediaType === COMPOSE_ENVFILE_MEDIA_TYPE) {
      const name = l.annotations['com.docker.compose.envfile'];
      if (name === undefined) throw new UserError('E_REMOTE_RESOURCE', `${ref}: an env file layer has no com.docker.compose.envfile annotation`);
      out.push({ name: safeName(name, ref), data: l.data, append: false });
    }
  });
  return out;
}

export function ociLoader(env: Record<string, string | undefined>): ResourceLoader {
  const known = new Map<string, string>();
  return {
    accept: (ref) => ref.startsWith(OCI_PREFIX),
    async load(ref) {
      if (!remoteEnabled(env, 'COMPOSE_EXPERIMENTAL_OCI_REMOTE')) {
        throw new UserError('E_REMOTE_RESOURCE', `OCI remote resource is disabled by "COMPOSE_EXPERIMENTAL_OCI_REMOTE"`);
      }
      let dir = known.get(ref);
      if (!dir) {
        // the registry client is loaded only when a file really refers to an artifact
        const { fetchArtifact } = await import('../../../runtime/image-transfer.js');
        const a = await fetchArtifact(ref.slice(OCI_PREFIX.length), COMPOSE_ARTIFACT_TYPE, { env });
        const files = planArtifactFiles(ref, a.artifactType, a.configMediaType, a.layers);
        dir = path.join(remoteCacheDir(env), a.digest.replace(':', '-'));
        await installDirectory(dir, async (tmp) => {
          for (const f of files) (f.append ? appendFileSync : writeFileSync)(path.join(tmp, f.name), f.data, { mode: 0o600 });
        });
        known.set(ref, dir);
      }
      return path.join(dir, 'compose.yaml');
    },
  };
}
