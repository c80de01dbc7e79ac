/**
 * Mappings written as a list or a mapping (labels, annotations, environment, build args, sysctls):
 * always a mapping. For labels a key without value is ""; for environment and args it is null, so the
 * env-resolution stage can fill it from the project environment.
 */
import { child, invalid, isMap, scalarText, type Normaliser } from './context.js';

function listOrDict(nullValue: string | null): Normaliser {
  return (v, ctx) => {
    if (Array.isArray(v)) {
      const out: Record<string, string | null> = {};
      v.forEach((entry, i) => {
        if (typeof entry !== 'string' && typeof entry !== 'number') throw invalid(child(ctx, i), 'expected "KEY=value"');
        const text = String(entry);
        const eq = text.indexOf('=');
        if (eq < 0) out[text] = nullValue;
        else out[text.slice(0, eq)] = text.slice(eq + 1);
      });
      return out;
    }
    if (!isMap(v)) return v;
    const out: Record<string, string | null> = {};
    for (const [k, x] of Object.entries(v)) out[k] = x === null || x === undefined ? nullValue : scalarText(x);
    return out;
  };
}

export const labels = listOrDict('');
export const envMapping = listOrDict(null);
