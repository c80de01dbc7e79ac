/**
 * Networks on both sides: a service's `networks` list becomes a mapping (name → null or settings);
 * top-level networks/volumes/secrets/configs entries that are null become {}, and the legacy
 * `external: {name: x}` becomes `external: true, name: x`.
 */
import { child, invalid, isMap, type Normaliser } from './context.js';

export const serviceNetworks: Normaliser = (v, ctx) => {
  if (Array.isArray(v)) {
    const out: Record<string, null> = {};
    v.forEach((n, i) => {
      if (typeof n !== 'string') throw invalid(child(ctx, i), 'expected a network name');
      out[n] = null;
    });
    return out;
  }
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [name, cfg] of Object.entries(v)) {
    if (!isMap(cfg)) { out[name] = cfg ?? null; continue; }
    const e: Record<string, unknown> = { ...cfg };
    if (Array.isArray(cfg.aliases)) e.aliases = cfg.aliases.map(String);
    out[name] = e;
  }
  return out;
};

/** One top-level resource definition (a network, volume, secret or config). */
export const resource: Normaliser = (v) => {
  if (v === null || v === undefined) return {};
  if (!isMap(v)) return v;
  if (isMap(v.external)) {
    const { external, ...rest } = v;
    const name = (external as Record<string, unknown>).name;
    return name === undefined ? { ...rest, external: true } : { ...rest, external: true, name };
  }
  return v;
};

/** Models used by a service: a list of names becomes a mapping to null. */
export const serviceModels: Normaliser = (v) => {
  if (!Array.isArray(v)) return v;
  const out: Record<string, null> = {};
  for (const n of v) out[String(n)] = null;
  return out;
};
