/** env_file: a path or a list of paths or {path, required, format} entries, always a list of objects. */
import { child, invalid, isMap, type Normaliser } from './context.js';

export const envFile: Normaliser = (v, ctx) => {
  if (v === null || v === undefined) return v;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list)) throw invalid(ctx, 'expected a path or a list of paths');
  return list.map((e, i) => {
    if (typeof e === 'string') return { path: e, required: true };
    if (isMap(e)) return { ...e, required: e.required ?? true };
    throw invalid(child(ctx, i), 'expected a path or a mapping with "path"');
  });
};
