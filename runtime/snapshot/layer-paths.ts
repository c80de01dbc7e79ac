/**
 * Decides what a layer entry's name means, before anything touches the disk. Pure: names in, a plan out.
 * Absolute names and `..` are refused (a layer can only describe paths inside its own root).
 */
export type EntryPlan =
  | { kind: 'root' }
  | { kind: 'path'; parts: string[] }
  | { kind: 'whiteout'; parts: string[] }
  | { kind: 'opaque'; dirParts: string[] }
  | { kind: 'ignore' }
  | { kind: 'unsafe'; why: string };

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

/** Splits a tar name into components; refuses absolute names and `..`. */
export function splitLayerPath(name: string): string[] | { why: string } {
  if (name.startsWith('/')) return { why: 'absolute path' };
  if (name.includes('\0')) return { why: 'NUL in path' };
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { why: 'path contains ".."' };
  return parts;
}

export function planEntry(name: string): EntryPlan {
  const parts = splitLayerPath(name);
  if (!Array.isArray(parts)) return { kind: 'unsafe', why: parts.why };
  if (parts.length === 0) return { kind: 'root' };
  const base = parts[parts.length - 1]!;
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dirParts: parts.slice(0, -1) };
  // Other .wh..wh. names are aufs bookkeeping (hard-link dirs): no meaning for overlay.
  if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return { kind: 'ignore' };
  if (base.startsWith(WHITEOUT_PREFIX)) {
    const target = base.slice(WHITEOUT_PREFIX.length);
    if (target === '' || target === '.' || target === '..') return { kind: 'unsafe', why: 'bad whiteout name' };
    return { kind: 'whiteout', parts: [...parts.slice(0, -1), target] };
  }
  return { kind: 'path', parts };
}
