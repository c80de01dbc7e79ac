/** ulimits: `nproc: 65535` stays a single number; `{soft, hard}` becomes two integers. */
import { child, invalid, isMap, type Normaliser } from './context.js';

function toInt(v: unknown, ctx: Parameters<Normaliser>[1]): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(ctx, `invalid ulimit ${JSON.stringify(v)}: expected an integer`);
  return n;
}

export const ulimits: Normaliser = (v, ctx) => {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [name, limit] of Object.entries(v)) {
    const c = child(ctx, name);
    if (isMap(limit)) out[name] = { ...limit, soft: toInt(limit.soft, child(c, 'soft')), hard: toInt(limit.hard, child(c, 'hard')) };
    else out[name] = toInt(limit, c);
  }
  return out;
};
