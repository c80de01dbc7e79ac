/** devices: `source[:target[:permissions]]` becomes {source, target, permissions}; CDI names stay a source. */
import { child, invalid, isMap, type Normaliser } from './context.js';

export const devices: Normaliser = (v, ctx) => {
  if (!Array.isArray(v)) return v;
  return v.map((d, i) => {
    if (isMap(d)) return { ...d, target: d.target ?? d.source, permissions: d.permissions ?? 'rwm' };
    if (typeof d !== 'string') throw invalid(child(ctx, i), 'expected a device string or mapping');
    if (!d.startsWith('/') && /^[\w.-]+\/[\w.-]+=/.test(d)) return { source: d };
    const parts = d.split(':');
    if (parts.length > 3 || parts[0] === '') throw invalid(child(ctx, i), `invalid device "${d}": expected source[:target[:permissions]]`);
    return { source: parts[0], target: parts[1] ?? parts[0], permissions: parts[2] ?? 'rwm' };
  });
};
