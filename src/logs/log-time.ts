/**
 * Times as `logs --since/--until` accept them (moby's timestamp parser): a Go duration relative to now
 * (`42m`, `1h30m`, `1.5h`; no `d`), RFC3339/RFC3339Nano, `2006-01-02T15:04:05` down to `2006-01-02` (local
 * time when there is no zone), or a Unix timestamp `seconds[.nanos]`. Results are RFC3339Nano in UTC so
 * nanoseconds survive (the log reader compares at that precision).
 */
import { usageError } from '../errors.js';

const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** Pure: a Go duration in nanoseconds, or undefined when the text is not one. */
export function parseGoDuration(text: string): bigint | undefined {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!m) return text === '0' ? 0n : undefined;
  let total = 0n;
  for (const part of text.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [int = '0', frac = ''] = part[1]!.split('.');
    const unit = UNIT_NS[part[2]!]!;
    total += BigInt(int || '0') * unit + (frac ? (BigInt(frac.slice(0, 18).padEnd(18, '0')) * unit) / 10n ** 18n : 0n);
  }
  return m[1] === '-' ? -total : total;
}

/** Pure: nanoseconds since the epoch as RFC3339Nano in UTC with nine digits (docker's fixed form). */
export function formatNanos(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** Pure: an RFC3339Nano stamp as written by the shim, in docker's fixed nine-digit UTC form. */
export function fixedStamp(time: string): string {
  const ms = Date.parse(time);
  if (!Number.isFinite(ms)) return time;
  const frac = (/\.(\d+)/.exec(time)?.[1] ?? '').slice(0, 9).padEnd(9, '0');
  // whole seconds from Date (zones applied), the fraction as written (Date keeps only milliseconds)
  const secNs = BigInt(Math.floor(ms / 1000)) * 1_000_000_000n;
  return formatNanos(secNs + BigInt(frac));
}

const LOCAL_FORMS = [/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, /^\d{4}-\d{2}-\d{2}T\d{2}$/, /^\d{4}-\d{2}-\d{2}$/];

/**
 * Pure: a --since/--until value into RFC3339Nano UTC, relative ones against `now`; a bad value is a usage
 * error naming the flag.
 */
export function parseLogTime(flag: string, value: string, now: Date): string {
  const v = value.trim();
  const dur = parseGoDuration(v);
  if (dur !== undefined && v !== '') return formatNanos(BigInt(now.getTime()) * 1_000_000n - dur);
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (unix) return formatNanos(BigInt(unix[1]!) * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0')));
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) return fixedStamp(v.toUpperCase());
  if (LOCAL_FORMS.some((re) => re.test(v))) {
    const [date, time = '00'] = v.split('T') as [string, string?];
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    const [hh = 0, mm = 0, ss = '0'] = (time ?? '00').split(':') as unknown as [number, number, string];
    const [sec, frac = ''] = String(ss).split('.');
    const local = new Date(y, mo - 1, d, Number(hh), Number(mm), Number(sec)); // no zone: the local one, as docker
    if (!Number.isNaN(local.getTime())) return formatNanos(BigInt(local.getTime()) * 1_000_000n + BigInt(frac.slice(0, 9).padEnd(9, '0')));
  }
  throw usageError(`invalid value "${value}" for ${flag}: want a timestamp (2013-01-02T13:23:37Z) or a relative duration (42m)`);
}
