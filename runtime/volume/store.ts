/** Volume records and their lock: one folder per volume under paths().volumes. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { paths } from '../store/paths.js';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { RuntimeError } from '../errors.js';
import type { VolumeRecord } from './types.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function checkVolumeName(name: string): void {
  if (!NAME_RE.test(name) || name.length > 255) {
    throw new RuntimeError('E_VOLUME_NAME', `volume name "${name}" is invalid: use letters, digits, '_', '.', '-' (starting with a letter or digit)`);
  }
}

export function volumeDir(name: string): string {
  return path.join(paths().volumes, name);
}

export function readVolume(name: string): VolumeRecord | undefined {
  checkVolumeName(name);
  return readJsonIfExists<VolumeRecord>(path.join(volumeDir(name), 'volume.json'));
}

export function requireVolume(name: string, what = 'volume'): VolumeRecord {
  const v = readVolume(name);
  if (!v) throw new RuntimeError('E_VOLUME_NOT_FOUND', `${what} "${name}" not found`, what.startsWith('external') ? { hint: `create it first: tscompose volume create ${name}` } : {});
  return v;
}

export function writeVolume(v: VolumeRecord): void {
  writeJsonAtomic(path.join(volumeDir(v.name), 'volume.json'), v);
}

export function listVolumes(): VolumeRecord[] {
  let names: string[];
  try { names = readdirSync(paths().volumes); } catch { return []; }
  return names
    .map((n) => readJsonIfExists<VolumeRecord>(path.join(paths().volumes, n, 'volume.json')))
    .filter((v): v is VolumeRecord => v !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function withVolumeLock<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  return withLock(paths().locks, `volume-${name}`, fn);
}
