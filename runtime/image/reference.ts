/**
 * Image references normalised the way Docker does (distribution/reference): short names live on
 * docker.io under library/, a missing tag means :latest, digests pin content. Pure, no I/O.
 */
import { RuntimeError } from '../errors.js';

export interface ImageRef {
  /** registry host as written, with port: docker.io, localhost:5000, [::1]:5000 */
  readonly domain: string;
  /** repository path inside the registry: library/redis */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const DOMAIN = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

function invalid(ref: string, why: string): RuntimeError {
  return new RuntimeError('E_IMAGE_REF', `invalid image reference "${ref}": ${why}`);
}

/** Parses and normalises a reference; throws E_IMAGE_REF naming the reference and the reason. */
export function parseReference(input: string): ImageRef {
  const ref = input.trim();
  if (ref === '') throw invalid(input, 'empty');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(ref, `bad digest "${digest}"`);
    if (digest.startsWith('sha256:') && !SHA256.test(digest)) throw invalid(ref, `bad sha256 digest "${digest}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(ref, `bad tag "${tag}"`);
  }
  if (rest === '') throw invalid(ref, 'missing repository name');
  if (rest.length > 255) throw invalid(ref, 'repository name longer than 255 characters');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (!DOMAIN.test(domain)) throw invalid(ref, `bad registry host "${domain}"`);
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  for (const c of path.split('/')) {
    if (c !== c.toLowerCase()) throw invalid(ref, 'repository name must be lowercase');
    if (!COMPONENT.test(c)) throw invalid(ref, `bad path component "${c}"`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** domain/path: docker.io/library/redis */
export function repositoryName(r: ImageRef): string {
  return `${r.domain}/${r.path}`;
}

/** Full canonical form: docker.io/library/redis:7 or …@sha256:… (tag kept when both are given). */
export function formatReference(r: ImageRef): string {
  return `${repositoryName(r)}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** Docker's short display form: redis:7, user/app:1, localhost:5000/x:y. */
export function familiarName(r: ImageRef): string {
  let name = repositoryName(r);
  if (r.domain === DEFAULT_DOMAIN) name = r.path.startsWith('library/') ? r.path.slice(8) : r.path;
  return `${name}${r.tag ? `:${r.tag}` : ''}${r.digest && !r.tag ? `@${r.digest}` : ''}`;
}

/** The host API requests go to: Docker Hub's API lives on registry-1.docker.io. */
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
}

/** True for a bare content id (sha256:… or 64 hex chars), which names a local image, never a registry one. */
export function isImageId(s: string): boolean {
  return SHA256.test(s) || /^[a-f0-9]{64}$/.test(s);
}
