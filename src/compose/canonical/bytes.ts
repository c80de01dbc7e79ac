/**
 * Byte sizes (mem_limit, shm_size, tmpfs size, ...) as docker's units.RAMInBytes reads them:
 * binary multiples, optional `b`/`ib` suffix. Stored as a number of bytes.
 */
import { invalid, type Normaliser } from './context.js';

const MULT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;

export function parseBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * MULT[(m[2] ?? '').toLowerCase()]!);
}

export const bytes: Normaliser = (v, ctx) => {
  if (v === null || v === undefined || typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/^-1$/.test(v.trim())) return -1;
    const n = parseBytes(v);
    if (n !== undefined) return n;
  }
  throw invalid(ctx, `invalid size ${JSON.stringify(v)}: expected a number of bytes or a size like "512m" or "1g"`);
};
