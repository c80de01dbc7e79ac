/** Service secrets/configs: a name becomes {source}; a mode written as an octal string becomes a number. */
import { child, invalid, isMap, type Normaliser } from './context.js';

/** Service secrets mount at /run/secrets/<source> unless a target is given (configs have no default). */
export const serviceSecrets: Normaliser = (v, ctx) => {
  const refs = fileReferences(v, ctx);
  if (!Array.isArray(refs)) return refs;
  return refs.map((r) => (isMap(r) && r.target === undefined && typeof r.source === 'string' ? { ...r, target: `/run/secrets/${r.source}` } : r));
};

export const fileReferences: Normaliser = (v, ctx) => {
  if (!Array.isArray(v)) return v;
  return v.map((x, i) => {
    if (typeof x === 'string') return { source: x };
    if (!isMap(x)) throw invalid(child(ctx, i), 'expected a name or a mapping with "source"');
    const out: Record<string, unknown> = { ...x };
    if (typeof x.mode === 'string' && /^0?[0-7]+$/.test(x.mode)) out.mode = parseInt(x.mode, 8);
    if (typeof x.uid === 'number') out.uid = String(x.uid);
    if (typeof x.gid === 'number') out.gid = String(x.gid);
    return out;
  });
};
