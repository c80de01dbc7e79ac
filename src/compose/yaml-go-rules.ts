/**
 * The go-yaml rules both YAML readers (yaml.ts's fast one, yaml-reference.ts's exact one) apply, so
 * they give the same trees: alias-expansion limits, `<<` merge order, and go-yaml's integer spellings.
 */
import { Override } from './markers.js';

/** go-yaml's tolerance for alias-produced nodes, shrinking as documents grow. */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.10;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

export function excessiveAliasing(decoded: number, aliased: number): boolean {
  return aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded);
}

/**
 * An anchor that contains an alias to itself would expand forever. Like compose-go, we remember the
 * paths where each anchor was entered through an alias and refuse one nested inside another (paths
 * in two different services are unrelated). Returns the earlier path that conflicts with `at`.
 */
export function conflictingAliasPath(seen: string[][], at: string[]): string[] | undefined {
  for (const prev of seen) {
    if (samePath(prev, at)) continue;
    if ((isPrefix(prev, at) || isPrefix(at, prev)) && !inDifferentServices(prev, at)) return prev;
  }
  return undefined;
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
function isPrefix(short: string[], long: string[]): boolean {
  return short.length < long.length && short.every((s, i) => s === long[i]);
}
function inDifferentServices(a: string[], b: string[]): boolean {
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] === 'services' && b[i] === 'services' && i + 1 < a.length && i + 1 < b.length) return a[i + 1] !== b[i + 1];
  }
  return false;
}

/** `<<: *a` or `<<: [*a, *b]`: keys written in the mapping win, then earlier sources win over later. False: not maps. */
export function mergeSourcesInto(out: Record<string, unknown>, merges: unknown[]): boolean {
  for (const m of merges) {
    for (const src of Array.isArray(m) ? m : [m]) {
      if (src === null || typeof src !== 'object' || Array.isArray(src) || src instanceof Override) return false;
      for (const key of Object.keys(src)) {
        if (!(key in out)) out[key] = (src as Record<string, unknown>)[key];
      }
    }
  }
  return true;
}

/** Plain scalars go-yaml reads as integers although the YAML 1.2 core schema does not: `0755`, `0b101`, `1_000`. */
const GO_INT_RE = /^[-+]?(?:0[0-7_]+|0b[01_]+|[0-9][0-9_]*_[0-9_]*)$/;

export function goInteger(source: string): number | undefined {
  if (!GO_INT_RE.test(source)) return undefined;
  const sign = source.startsWith('-') ? -1 : 1;
  const digits = source.replace(/^[-+]/, '').replaceAll('_', '');
  const n = digits.startsWith('0b') ? Number.parseInt(digits.slice(2), 2)
    : digits.length > 1 && digits.startsWith('0') ? Number.parseInt(digits, 8) : Number.parseInt(digits, 10);
  return Number.isNaN(n) ? undefined : sign * n;
}
