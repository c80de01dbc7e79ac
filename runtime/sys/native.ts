/**
 * The one door to the kernel's native side: loads the syscall addon and names the shim executable.
 * Nothing else in the project loads a .node file or spells the shim's path.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../errors.js';

export interface NativeAddon {
  abiVersion: number;
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount(target: string, flags: number): void;
  setChildSubreaper(): void;
  pidfdSignal(pid: number, signal: number): boolean;
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
