/**
 * Durations as Go's time.ParseDuration reads them and time.Duration.String prints them, because
 * docker compose prints `interval: 1m30s` and the config hash depends on that exact text.
 */
import { invalid, type Normaliser } from './context.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Nanoseconds, or undefined when the text is not a Go duration. */
export function parseDuration(text: string): number | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) { if (s[0] === '-') sign = -1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
  }
  return sign * Math.round(total);
}

function trimFraction(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Go's Duration.String(): 0s, 500ms, 1.5µs, 1m30s, 1h0m0s. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let d = Math.abs(ns);
  let out: string;
  if (d < 1e9) {
    if (d < 1e3) out = `${d}ns`;
    else if (d < 1e6) out = `${trimFraction(d / 1e3, 3)}µs`;
    else out = `${trimFraction(d / 1e6, 6)}ms`;
  } else {
    const h = Math.floor(d / 3600e9); d -= h * 3600e9;
    const m = Math.floor(d / 60e9); d -= m * 60e9;
    const s = `${trimFraction(d / 1e9, 9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

/** Normaliser for duration keys: strings are re-printed the Go way; numbers are seconds. */
export const duration: Normaliser = (v, ctx) => {
  if (v === null || v === undefined) return v;
  if (typeof v === 'number') return formatDuration(v * 1e9);
  if (typeof v !== 'string') throw invalid(ctx, `invalid duration ${JSON.stringify(v)}: expected a duration like "30s" or "1m30s"`);
  const ns = parseDuration(v);
  if (ns === undefined) throw invalid(ctx, `invalid duration "${v}": expected a duration like "30s" or "1m30s"`);
  return formatDuration(ns);
};
