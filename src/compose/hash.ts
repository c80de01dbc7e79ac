/**
 * The config hash of a service, for recreate decisions and `config --hash`. Like docker compose's
 * ServiceHash it leaves out what does not change the running container: build, pull_policy, scale,
 * deploy.replicas, depends_on and profiles. It is the sha256 of the canonical JSON with sorted keys
 * (docker compose hashes Go's struct-order JSON, so the digests differ from docker's by design; they
 * are stable between tscompose runs, which is what recreate decisions need).
 */
import { createHash } from 'node:crypto';
import type { ServiceConfig } from './types.js';

const EXCLUDED = ['build', 'pull_policy', 'scale', 'depends_on', 'profiles'] as const;

/** JSON with keys sorted at every level, undefined dropped. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const entries = Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined);
  return `{${entries.map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function serviceHash(service: ServiceConfig): string {
  const copy: Record<string, unknown> = { ...service };
  for (const k of EXCLUDED) delete copy[k];
  if (service.deploy) {
    const { replicas: _replicas, ...deploy } = service.deploy;
    copy.deploy = deploy;
  }
  return createHash('sha256').update(stableJson(copy)).digest('hex');
}
