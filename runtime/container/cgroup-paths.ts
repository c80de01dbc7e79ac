/**
 * Where the shim puts a container's cgroups (PROTOCOL.md): `<root>/<controller>/tscompose/<id>` on v1 (this
 * host is hybrid: v1 controllers plus an empty unified tree), `/sys/fs/cgroup/tscompose/<id>` on pure v2.
 * The runtime reads them for pause, top and stats, and removes what a killed shim left behind.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export type CgroupVersion = 'v1' | 'v2';
export const CGROUP_ROOT = '/sys/fs/cgroup';
export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids', 'devices', 'freezer', 'blkio', 'cpuset'];

let detected: CgroupVersion | undefined;
export function cgroupVersion(): CgroupVersion {
  detected ??= existsSync(path.join(CGROUP_ROOT, 'cgroup.controllers')) && !existsSync(path.join(CGROUP_ROOT, 'memory')) ? 'v2' : 'v1';
  return detected;
}

/** Pure: the cgroupsPath written into config.json (relative to each hierarchy's root). */
export function cgroupsPathFor(id: string): string {
  return `/tscompose/${id}`;
}

/** Pure: the directory of one controller (v1) or of the unified group (v2). */
export function cgroupDir(version: CgroupVersion, id: string, controller: string): string {
  return version === 'v2' ? path.join(CGROUP_ROOT, 'tscompose', id) : path.join(CGROUP_ROOT, controller, 'tscompose', id);
}

/** Pure: every directory that may exist for a container (removal order: all are leaves). */
export function allCgroupDirs(version: CgroupVersion, id: string): string[] {
  if (version === 'v2') return [cgroupDir('v2', id, '')];
  return [...new Set(V1_CONTROLLERS.map((c) => cgroupDir('v1', id, c)))];
}
