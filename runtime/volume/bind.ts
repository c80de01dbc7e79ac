/**
 * Preparing the host side of bind mounts and volume subpaths before a container starts. The container
 * runtime mounts what these return; a source that cannot be had fails here, naming container and path.
 */
import { mkdirSync, statSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError, wrapError } from '../errors.js';

const PROPAGATIONS = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);

export interface BindOptionsInput {
  container: string;
  target: string;
  propagation?: string;
  /** `:z` / `:Z` or bind.selinux */
  selinux?: string;
}

/** Pure: the propagation to use and the warnings to print (SELinux relabelling is accepted but not done). */
export function planBindOptions(i: BindOptionsInput): { propagation: string; warnings: string[] } {
  const propagation = i.propagation ?? 'rprivate';
  if (!PROPAGATIONS.has(propagation)) {
    throw new RuntimeError('E_BIND_OPTS', `container "${i.container}": bind ${i.target}: propagation "${propagation}" is not one of ${[...PROPAGATIONS].join(', ')}`);
  }
  const warnings: string[] = [];
  if (i.selinux === 'z' || i.selinux === 'Z') warnings.push(`container "${i.container}": bind ${i.target}: SELinux relabelling (:${i.selinux}) is not done by tscompose; the mount is made without it`);
  else if (i.selinux !== undefined) throw new RuntimeError('E_BIND_OPTS', `container "${i.container}": bind ${i.target}: selinux "${i.selinux}" is not z or Z`);
  return { propagation, warnings };
}

/** Makes sure the bind source exists: created as a directory when allowed (short syntax, create_host_path). */
export function execPrepareBindSource(container: string, source: string, opts: { createHostPath?: boolean } = {}): string {
  const ctx = `container "${container}": bind mount source "${source}"`;
  if (!path.isAbsolute(source)) throw new RuntimeError('E_BIND_SOURCE', `${ctx}: not an absolute path`);
  try {
    statSync(source);
    return source;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw wrapError(ctx, e, 'E_BIND_SOURCE');
  }
  if (opts.createHostPath === false) {
    throw new RuntimeError('E_BIND_SOURCE', `${ctx}: does not exist (create_host_path is false)`);
  }
  try {
    mkdirSync(source, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw wrapError(`${ctx}: cannot create it`, e, 'E_BIND_SOURCE');
  }
  return source;
}

/** The host dir of `volume.subpath`: relative, inside the volume (symlinks resolved), and existing. */
export function execResolveSubpath(volume: string, mountpoint: string, subpath: string): string {
  const ctx = `volume "${volume}": subpath "${subpath}"`;
  if (path.isAbsolute(subpath) || path.normalize(subpath).split(path.sep)[0] === '..') {
    throw new RuntimeError('E_VOLUME_SUBPATH', `${ctx}: must be a relative path inside the volume`);
  }
  let real: string;
  try {
    real = realpathSync(path.join(mountpoint, subpath));
  } catch (e) {
    throw wrapError(`${ctx}: does not exist in the volume`, e, 'E_VOLUME_SUBPATH');
  }
  const base = realpathSync(mountpoint);
  if (real !== base && !real.startsWith(`${base}${path.sep}`)) {
    throw new RuntimeError('E_VOLUME_SUBPATH', `${ctx}: leads outside the volume (through a symlink)`);
  }
  return real;
}
