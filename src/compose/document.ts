/**
 * The Project as a Compose document, the shape `docker compose config` prints: top-level keys in
 * the spec's order, services and other maps sorted by name, attributes sorted, lists in order.
 * The service's own `name` (a Project detail) is not an attribute and is left out.
 */
import type { Project } from './types.js';

const TOP_ORDER = ['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

/**
 * Byte sizes are numbers in the Project but print as quoted decimal strings, as compose-go's
 * UnitBytes marshals them ("536870912"). Paths inside one service.
 */
const BYTE_FIELDS: ReadonlyArray<readonly string[]> = [
  ['mem_limit'], ['mem_reservation'], ['memswap_limit'], ['mem_swappiness'], ['shm_size'], ['build', 'shm_size'],
  ['deploy', 'resources', 'limits', 'memory'], ['deploy', 'resources', 'reservations', 'memory'], ['volumes', '*', 'tmpfs', 'size'],
];

function bytesAsText(node: unknown, path: readonly string[]): void {
  if (node === null || typeof node !== 'object') return;
  const [head, ...rest] = path;
  const rec = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(rec) : [head!];
  for (const k of keys) {
    if (rest.length === 0) { if (typeof rec[k] === 'number') rec[k] = String(rec[k]); } else bytesAsText(rec[k], rest);
  }
}

/** Sorted keys at every level below the top, undefined dropped. */
export function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortDeep(x);
  }
  return out;
}

export function toComposeDocument(p: Project): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const name of Object.keys(p.services).sort()) {
    const { name: _name, ...attrs } = p.services[name]!;
    const doc = sortDeep(attrs);
    for (const path of BYTE_FIELDS) bytesAsText(doc, path);
    services[name] = doc;
  }
  const doc: Record<string, unknown> = {};
  for (const k of TOP_ORDER) {
    if (k === 'name') doc.name = p.name;
    else if (k === 'services') doc.services = services;
    else if (Object.keys(p[k]).length > 0) doc[k] = sortDeep(p[k]);
  }
  for (const k of Object.keys(p.extensions).sort()) doc[k] = p.extensions[k];
  return doc;
}
