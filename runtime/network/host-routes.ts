/**
 * Subnets the host already routes (so IPAM never hands out a subnet that would shadow a LAN, a VPN, Docker's
 * or podman's bridges). Read from /proc/net/route: no spawn, and the main table is where those live.
 */
import { readFileSync } from 'node:fs';
import { formatCidr, maskOf } from './cidr.js';
import type { UsedSubnet } from './ipam.js';

function hexLe(h: string): number {
  // /proc/net/route prints addresses in host (little-endian) byte order as 8 hex digits
  const n = parseInt(h, 16);
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | ((n >>> 24) & 0xff)) >>> 0;
}

function prefixOf(mask: number): number {
  let p = 0;
  while (p < 32 && ((mask >>> (31 - p)) & 1) === 1) p++;
  return p;
}

/** Pure: the non-default routes of a /proc/net/route text. */
export function parseProcRoutes(text: string): UsedSubnet[] {
  const out: UsedSubnet[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = hexLe(f[1]!);
    const prefix = prefixOf(hexLe(f[7]!));
    if (prefix === 0) continue; // the default route is not a subnet we could collide with
    out.push({ cidr: formatCidr({ base: (dest & maskOf(prefix)) >>> 0, prefix }), owner: `route on ${f[0]}` });
  }
  return out;
}

export function collectHostRoutes(): UsedSubnet[] {
  try {
    return parseProcRoutes(readFileSync('/proc/net/route', 'utf8'));
  } catch {
    return [];
  }
}
