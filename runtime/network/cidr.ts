/**
 * IPv4 address arithmetic on plain numbers (pure). Addresses are unsigned 32-bit integers; a Cidr is a
 * network base plus a prefix length. Only IPv4: enable_ipv6 is refused clearly elsewhere.
 */
import { RuntimeError } from '../errors.js';

export interface Cidr {
  base: number;
  prefix: number;
}

export function parseIp(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d/n"; host bits set are an error (Docker refuses them too, it hides typos). */
export function parseCidr(text: string, what = 'subnet'): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  const ip = m ? parseIp(m[1]!) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new RuntimeError('E_NET_CIDR', `${what} "${text}": not an IPv4 CIDR (a.b.c.d/n)`);
  }
  const base = (ip & maskOf(prefix)) >>> 0;
  if (base !== ip) throw new RuntimeError('E_NET_CIDR', `${what} "${text}": host bits are set (did you mean ${formatIp(base)}/${prefix}?)`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & maskOf(c.prefix)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & maskOf(p)) >>> 0) === ((b.base & maskOf(p)) >>> 0);
}

/** First and last usable host address (network and broadcast excluded for prefixes below /31). */
export function hostRange(c: Cidr): { first: number; last: number } {
  if (c.prefix >= 31) return { first: c.base, last: c.base + size(c) - 1 };
  return { first: c.base + 1, last: c.base + size(c) - 2 };
}
