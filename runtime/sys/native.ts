/**
 * The one door to the kernel's native side: loads the syscall addon and names the shim executable.
 * Nothing else in the project loads a .node file or spells the shim's path.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../errors.js';

/** One container leg on a bridge network, done by the addon in one synchronous rtnetlink exchange. */
export interface NativeVethSpec {
  bridge: string;
  /** the container's network namespace file (/proc/<pid>/ns/net, /run/netns/<name>) */
  netns: string;
  hostVeth: string;
  /** the peer's final name inside the netns (eth0, ...); the peer is created there directly */
  ifname: string;
  address: string;
  prefix: number;
  mac?: string;
  mtu?: number;
  /** add `default via gateway dev ifname` inside the netns */
  gateway?: string;
  /** hairpin mode on the bridge port (default true) */
  hairpin?: boolean;
}

export interface NativeAddon {
  abiVersion: number;
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount(target: string, flags: number): void;
  setChildSubreaper(): void;
  pidfdSignal(pid: number, signal: number): boolean;
  // abi 2 — optional because an addon built from older sources lacks them; callers keep a fallback.
  /** mknod(2) with the permission bits of `mode` applied exactly (not masked by the umask). */
  mknod?(path: string, mode: number, major: number, minor: number): void;
  /** lsetxattr(2): never follows a symlink. */
  lsetxattr?(path: string, name: string, value: Buffer): void;
  /** lgetxattr(2): null when the attribute is absent (ENODATA). */
  lgetxattr?(path: string, name: string): Buffer | null;
  /**
   * veth pair (peer born in the netns), host end enslaved + up + hairpin, then inside: address, link up,
   * lo up, default route. All or nothing: on failure the pair is deleted before the error is thrown.
   */
  attachVeth?(spec: NativeVethSpec): void;
}

/** The package root: the nearest folder above this file that holds binding.gyp (works from src and from dist). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'binding.gyp'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new RuntimeError('E_INSTALL', 'cannot find the tscompose package root (binding.gyp)');
    dir = up;
  }
}

function builtFile(name: string): string {
  return path.join(packageRoot(), 'build', 'Release', name);
}

let addon: NativeAddon | undefined;
export function loadAddon(): NativeAddon {
  if (addon) return addon;
  const file = builtFile('tscompose_sys.node');
  if (!existsSync(file)) {
    throw new RuntimeError('E_INSTALL', `native addon not built: ${file} is missing`, { hint: 'run `npm run build` (or `npm ci`) in the tscompose folder' });
  }
  addon = createRequire(import.meta.url)(file) as NativeAddon;
  return addon;
}

/** Absolute path of the per-container shim executable. */
export function shimPath(): string {
  return process.env.TSCOMPOSE_SHIM ?? builtFile('tscompose-shim');
}

/** Absolute path of the per-network resolver executable (native/dns). */
export function resolverPath(): string {
  return process.env.TSCOMPOSE_DNS ?? builtFile('tscompose-dns');
}
