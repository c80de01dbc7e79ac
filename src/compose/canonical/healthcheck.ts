/** healthcheck: `test` as a list (a string means CMD-SHELL), durations printed the Go way. */
import { child, isMap, type Normaliser } from './context.js';
import { duration } from './durations.js';

const DURATIONS = ['interval', 'timeout', 'start_period', 'start_interval'] as const;

export const healthcheck: Normaliser = (v, ctx) => {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = { ...v };
  if (typeof v.test === 'string') out.test = ['CMD-SHELL', v.test];
  else if (Array.isArray(v.test)) out.test = v.test.map((x) => String(x));
  for (const k of DURATIONS) if (v[k] !== undefined) out[k] = duration(v[k], child(ctx, k));
  return out;
};
