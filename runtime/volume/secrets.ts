/**
 * Secrets and configs as files, ready to be bind-mounted read-only into a container: written into a
 * directory of the caller's (the container's bundle) with the uid, gid and mode asked for, whatever the
 * source (file, environment or inline content). Unlike Docker, a `file:` source is copied too, so uid, gid
 * and mode apply to it as well (docker/compose#9648).
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError, wrapError } from '../errors.js';

export interface SecretSource {
  file?: string;
  environment?: string;
  content?: string;
}

export interface SecretRequest {
  kind: 'secret' | 'config';
  /** the top-level name */
  name: string;
  source: SecretSource;
  /** path in the container; default /run/secrets/<name> or /<name> */
  target?: string;
  uid?: number;
  gid?: number;
  /** default 0444 */
  mode?: number;
}

/** Pure: where the file appears in the container. A relative secret target lives under /run/secrets. */
export function planSecretTarget(kind: 'secret' | 'config', name: string, target?: string): string {
  if (!target) return kind === 'secret' ? `/run/secrets/${name}` : `/${name}`;
  if (target.startsWith('/')) return path.posix.normalize(target);
  return kind === 'secret' ? path.posix.join('/run/secrets', target) : path.posix.join('/', target);
}

/** Pure: the bytes of the secret, from exactly one source. */
export function planSecretContent(req: SecretRequest, env: Record<string, string | undefined>, readFile: (p: string) => Buffer): Buffer {
  const what = `${req.kind} "${req.name}"`;
  const sources = (['file', 'environment', 'content'] as const).filter((k) => req.source[k] !== undefined);
  if (sources.length !== 1) throw new RuntimeError('E_SECRET_SOURCE', `${what}: needs exactly one of file, environment${req.kind === 'config' ? ', content' : ''} (got ${sources.join(', ') || 'none'})`);
  if (req.source.content !== undefined) return Buffer.from(req.source.content);
  if (req.source.environment !== undefined) {
    const v = env[req.source.environment];
    if (v === undefined) throw new RuntimeError('E_SECRET_SOURCE', `${what}: environment variable ${req.source.environment} is not set`);
    return Buffer.from(v);
  }
  try {
    return readFile(req.source.file!);
  } catch (e) {
    throw wrapError(`${what}: read ${req.source.file}`, e, 'E_SECRET_SOURCE');
  }
}

export interface MaterialisedSecret {
  hostPath: string;
  target: string;
}

/** Writes one secret/config under `dir` (<dir>/<kind>s/<name>) with its owner and mode. */
export function execMaterialiseSecret(dir: string, req: SecretRequest, env: Record<string, string | undefined> = process.env): MaterialisedSecret {
  const target = planSecretTarget(req.kind, req.name, req.target);
  const data = planSecretContent(req, env, (p) => readFileSync(p));
  const folder = path.join(dir, `${req.kind}s`);
  const hostPath = path.join(folder, req.name);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(hostPath, data, { mode: 0o600 });
    chownSync(hostPath, req.uid ?? 0, req.gid ?? 0);
    chmodSync(hostPath, req.mode ?? 0o444);
  } catch (e) {
    throw wrapError(`${req.kind} "${req.name}": write ${hostPath}`, e, 'E_SECRET_WRITE');
  }
  return { hostPath, target };
}
