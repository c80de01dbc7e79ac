/**
 * Named and anonymous volumes of the local driver. A volume with driver_opts is mounted on its _data
 * directory when its first container starts using it (acquireVolume) and unmounted after the last one
 * (releaseVolume), as Docker's local driver does; plain volumes are just the directory.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RuntimeError, wrapError } from '../errors.js';
import { loadAddon } from '../sys/native.js';
import { planVolumeMount } from './mount-plan.js';
import { checkVolumeName, listVolumes, readVolume, requireVolume, volumeDir, withVolumeLock, writeVolume } from './store.js';
import type { VolumeCreateOptions, VolumeRecord } from './types.js';

const MNT_DETACH = 2;

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Creates the volume, or returns the existing one when it was created with the same driver options. */
export async function createVolume(o: VolumeCreateOptions = {}): Promise<VolumeRecord> {
  const anonymous = o.anonymous ?? o.name === undefined;
  const name = o.name ?? randomBytes(32).toString('hex');
  const ctx = `create volume "${name}"`;
  checkVolumeName(name);
  if (o.driver && o.driver !== 'local') throw new RuntimeError('E_VOLUME_DRIVER', `${ctx}: driver "${o.driver}" is not supported (only local)`);
  const driverOpts = o.driverOpts ?? {};
  planVolumeMount(name, driverOpts); // bad options fail before anything exists
  return withVolumeLock(name, () => {
    const old = readVolume(name);
    if (old) {
      if (!sameMap(old.driverOpts, driverOpts)) {
        throw new RuntimeError('E_VOLUME_EXISTS', `${ctx}: it already exists with other driver_opts`, { hint: `remove it first (tscompose volume rm ${name})` });
      }
      return old;
    }
    const dir = volumeDir(name);
    try {
      mkdirSync(path.join(dir, '_data'), { recursive: true, mode: 0o755 });
      const rec: VolumeRecord = {
        name, driver: 'local', labels: o.labels ?? {}, driverOpts, created: new Date().toISOString(), anonymous,
        mountpoint: path.join(dir, '_data'), users: [], mounted: false, populated: false,
      };
      writeVolume(rec);
      return rec;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw wrapError(ctx, e);
    }
  });
}

export function inspectVolume(name: string): VolumeRecord {
  return requireVolume(name);
}

/** Marks the volume used by a container (mounting its driver_opts at first use); returns the dir to bind. */
export async function acquireVolume(name: string, containerId: string): Promise<string> {
  return withVolumeLock(name, () => {
    const v = requireVolume(name);
    if (!v.users.includes(containerId)) v.users.push(containerId);
    const plan = planVolumeMount(name, v.driverOpts);
    if (plan && !v.mounted) {
      try {
        if (plan.fstype === null) mkdirSync(plan.source, { recursive: false });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw wrapError(`mount volume "${name}": bind device ${plan.source}`, e, 'E_VOLUME_MOUNT');
      }
      try {
        loadAddon().mount(plan.source, v.mountpoint, plan.fstype, plan.flags, plan.data);
      } catch (e) {
        throw wrapError(`mount volume "${name}"`, e, 'E_VOLUME_MOUNT');
      }
      v.mounted = true;
    }
    writeVolume(v);
    return v.mountpoint;
  });
}

/** The container no longer uses the volume; the last user unmounts the driver_opts mount. */
export async function releaseVolume(name: string, containerId: string): Promise<void> {
  await withVolumeLock(name, () => {
    const v = readVolume(name);
    if (!v) return;
    v.users = v.users.filter((u) => u !== containerId);
    if (v.users.length === 0 && v.mounted) {
      try { loadAddon().umount(v.mountpoint, MNT_DETACH); } catch (e) { throw wrapError(`unmount volume "${name}"`, e, 'E_VOLUME_MOUNT'); }
      v.mounted = false;
    }
    writeVolume(v);
  });
}

export async function removeVolume(name: string, opts: { force?: boolean } = {}): Promise<void> {
  const ctx = `remove volume "${name}"`;
  await withVolumeLock(name, () => {
    const v = readVolume(name);
    if (!v) {
      if (opts.force) return;
      throw new RuntimeError('E_VOLUME_NOT_FOUND', `${ctx}: no such volume`);
    }
    if (v.users.length > 0) {
      throw new RuntimeError('E_VOLUME_IN_USE', `${ctx}: volume is in use by container(s) ${v.users.map((u) => u.slice(0, 12)).join(', ')}`, {
        hint: 'remove those containers first',
      });
    }
    if (v.mounted) {
      try { loadAddon().umount(v.mountpoint, MNT_DETACH); } catch { /* already gone: the record was stale */ }
    }
    try {
      rmSync(volumeDir(name), { recursive: true, force: true });
    } catch (e) {
      throw wrapError(ctx, e);
    }
  });
}

export interface VolumePruneOptions {
  /** also named volumes (default: only anonymous ones, as Docker since 23.0) */
  all?: boolean;
  /** labels that must all match */
  labels?: Record<string, string>;
}

export async function pruneVolumes(o: VolumePruneOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const v of listVolumes()) {
    if (v.users.length > 0 || (!o.all && !v.anonymous)) continue;
    if (!Object.entries(o.labels ?? {}).every(([k, val]) => v.labels[k] === val)) continue;
    await removeVolume(v.name);
    removed.push(v.name);
  }
  return removed;
}

export { listVolumes, requireVolume };

/** Checks an external volume exists (Compose `external: true`): it is never created nor removed by us. */
export function requireExternalVolume(name: string): VolumeRecord {
  return requireVolume(name, 'external volume');
}
