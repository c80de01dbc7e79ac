/**
 * Platforms as os/arch[/variant], normalised as containerd does (x86_64 → amd64, aarch64 → arm64, arm64's
 * default variant v8), and the choice of one manifest from an index. Pure.
 */
import { RuntimeError } from '../errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(s: string): Platform {
  const parts = s.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new RuntimeError('E_IMAGE_PLATFORM', `invalid platform "${s}": expected os/arch[/variant], e.g. linux/amd64`);
  }
  return normalisePlatform({ os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) });
}

export function normalisePlatform(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture;
  let variant = p.variant || undefined;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os: p.os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalisePlatform(want);
  const h = normalisePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return w.variant === undefined || w.variant === h.variant;
}

/** Picks the first entry whose platform matches; entries without a platform (attestations) never match. */
export function selectPlatform<T extends { platform?: Platform }>(entries: readonly T[], want: Platform, image: string): T {
  const found = entries.find((e) => e.platform && e.platform.os !== 'unknown' && platformMatches(want, e.platform));
  if (found) return found;
  const have = entries.filter((e) => e.platform && e.platform.os !== 'unknown').map((e) => formatPlatform(e.platform!));
  throw new RuntimeError('E_IMAGE_PLATFORM', `image "${image}" has no manifest for platform ${formatPlatform(want)} (it has: ${have.join(', ') || 'none'})`, {
    hint: 'choose one of its platforms with --platform or `platform:` in the service',
  });
}
