/** deploy and resource knobs: labels as a mapping, cpus as a number, memory in bytes, durations Go-style. */
import { bytes } from './bytes.js';
import { child, invalid, isMap, type CanonContext, type Normaliser } from './context.js';
import { duration } from './durations.js';
import { labels } from './labels.js';

export const cpus: Normaliser = (v, ctx) => {
  if (typeof v !== 'string') return v;
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw invalid(ctx, `invalid cpus "${v}": expected a number of CPUs like 0.5`);
  return n;
};

function resources(v: unknown, ctx: CanonContext): unknown {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = { ...v };
  if (v.devices !== undefined) out.devices = deviceRequests(v.devices, child(ctx, 'devices'));
  for (const k of ['cpus', 'memory'] as const) {
    if (v[k] === undefined) continue;
    out[k] = k === 'cpus' ? cpus(v[k], child(ctx, k)) : bytes(v[k], child(ctx, k));
  }
  return out;
}

export const deploy: Normaliser = (v, ctx) => {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = { ...v };
  if (v.labels !== undefined) out.labels = labels(v.labels, child(ctx, 'labels'));
  if (isMap(v.resources)) {
    const r = child(ctx, 'resources');
    out.resources = {
      ...v.resources,
      ...(v.resources.limits !== undefined ? { limits: resources(v.resources.limits, child(r, 'limits')) } : {}),
      ...(v.resources.reservations !== undefined ? { reservations: resources(v.resources.reservations, child(r, 'reservations')) } : {}),
    };
  }
  if (isMap(v.restart_policy)) {
    const rp: Record<string, unknown> = { ...v.restart_policy };
    for (const k of ['delay', 'window']) if (rp[k] !== undefined) rp[k] = duration(rp[k], child(child(ctx, 'restart_policy'), k));
    out.restart_policy = rp;
  }
  for (const cfg of ['update_config', 'rollback_config'] as const) {
    const c = v[cfg];
    if (!isMap(c)) continue;
    const o: Record<string, unknown> = { ...c };
    for (const k of ['delay', 'monitor']) if (o[k] !== undefined) o[k] = duration(o[k], child(child(ctx, cfg), k));
    out[cfg] = o;
  }
  return out;
};

/**
 * Device requests (gpus, deploy.resources.reservations.devices): `count: all` is -1 (every device);
 * a request without count or device_ids asks for all devices. `gpus: all` is one such request.
 */
export const deviceRequests: Normaliser = (v) => {
  if (!Array.isArray(v)) return v;
  return v.map((r) => {
    if (!isMap(r)) return r;
    if (r.count === 'all') return { ...r, count: -1 };
    if (r.count === undefined && r.device_ids === undefined) return { ...r, count: -1 };
    return r;
  });
};

export const gpus: Normaliser = (v, ctx) => (typeof v === 'string' ? [{ count: -1 }] : deviceRequests(v, ctx));

/** pull_policy: `if_not_present` is the old spelling of `missing`. */
export const pullPolicy: Normaliser = (v) => (v === 'if_not_present' ? 'missing' : v);

/** hooks (post_start, pre_stop, pre_start): each command as a list of words. */
export function hooks(shell: Normaliser, env: Normaliser): Normaliser {
  const one = hook(shell, env);
  return (v, ctx) => (Array.isArray(v) ? v.map((h, i) => one(h, child(ctx, i))) : v);
}

/** One hook (also develop.watch[].exec, which compose-go reads as a hook): command as words, environment as a map. */
export function hook(shell: Normaliser, env: Normaliser): Normaliser {
  return (h, c) => {
    if (!isMap(h)) return h;
    const out: Record<string, unknown> = { ...h };
    if (h.command !== undefined) out.command = shell(h.command, child(c, 'command'));
    if (h.environment !== undefined) out.environment = env(h.environment, child(c, 'environment'));
    return out;
  };
}
