/** depends_on: a list of names becomes a mapping with the defaults docker compose applies. */
import { child, invalid, isMap, type Normaliser } from './context.js';

export const dependsOn: Normaliser = (v, ctx) => {
  if (Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    v.forEach((name, i) => {
      if (typeof name !== 'string') throw invalid(child(ctx, i), 'expected a service name');
      out[name] = { condition: 'service_started', required: true };
    });
    return out;
  }
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [name, dep] of Object.entries(v)) {
    const d = isMap(dep) ? dep : {};
    const e: Record<string, unknown> = { ...d, condition: d.condition ?? 'service_started', required: d.required ?? true };
    out[name] = e;
  }
  return out;
};
