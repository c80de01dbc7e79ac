/**
 * Removing everything a container owns on the host: leftover mounts below its bundle (a shim killed with -9
 * cannot unmount its overlay), its cgroup dirs (after killing any process still in them), then the bundle
 * itself with upper/work dirs and logs. Safe to run twice; used by remove and by a failed create.
 */
import { readFileSync, readdirSync, renameSync, rmSync, rmdirSync, existsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadAddon } from '../sys/native.js';
import type { BundlePaths } from './bundle.js';
import { allCgroupDirs, cgroupVersion } from './cgroup-paths.js';
import { execShim } from './shim-client.js';

const MNT_DETACH = 2;

/** Pure: mount points at or below `dir` in a mountinfo text, deepest first (octal escapes decoded). */
export function planUnmounts(mountinfo: string, dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = mountinfo.split('\n').map((l) => l.split(' ')[4]).filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

function execUnmounts(dir: string): void {
  let info: string;
  try { info = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return; }
  const targets = planUnmounts(info, dir);
  if (targets.length === 0) return;
  const addon = loadAddon();
  for (const t of targets) {
    try { addon.umount(t, MNT_DETACH); } catch { /* already gone */ }
  }
}

function killCgroupProcs(dir: string): void {
  let procs: string;
  try { procs = readFileSync(`${dir}/cgroup.procs`, 'utf8'); } catch { return; }
  for (const p of procs.split('\n').filter(Boolean)) {
    try { process.kill(Number(p), 'SIGKILL'); } catch { /* exited */ }
  }
}

async function execRemoveCgroups(id: string): Promise<void> {
  const version = cgroupVersion();
  const dirs = allCgroupDirs(version, id).filter((d) => existsSync(d));
  if (dirs.length === 0) return;
  if (version === 'v2') { try { writeFileSync(`${dirs[0]}/cgroup.kill`, '1'); } catch { /* older kernel */ } }
  // a frozen cgroup cannot deliver SIGKILL: thaw first
  for (const d of dirs) {
    if (d.includes('/freezer/')) { try { writeFileSync(`${d}/freezer.state`, 'THAWED'); } catch { /* gone */ } }
    if (version === 'v2') { try { writeFileSync(`${d}/cgroup.freeze`, '0'); } catch { /* gone */ } }
  }
  for (const d of dirs) killCgroupProcs(d);
  const deadline = Date.now() + 10_000;
  for (const d of dirs) {
    for (;;) {
      try { rmdirSync(d); break; } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (Date.now() > deadline) throw e;
        killCgroupProcs(d);
        await new Promise((r) => setTimeout(r, 20)); // EBUSY until the killed tasks are gone
      }
    }
  }
}

/**
 * runtime runc: runc made cgroups in every hierarchy (more than the shim's list) and keeps a record in B/runc;
 * the shim's `cleanup` runs `runc delete --force` for them. It refuses while the shim lives (then the shim
 * itself deletes them when it exits), so a failure here is not an error.
 */
async function execRuncCleanup(b: BundlePaths, id: string): Promise<void> {
  if (!existsSync(`${b.dir}/runc/${id}`)) return; // runc holds nothing for it (or it never was a runc container)
  await execShim(['cleanup', b.dir], { timeoutMs: 30_000 }).catch(() => undefined);
}

export async function execCleanupContainer(b: BundlePaths, id: string): Promise<void> {
  await execReleaseContainer(b, id);
  rmSync(b.dir, { recursive: true, force: true });
}

/** Everything but the bundle's files: runc's state, leftover mounts, cgroups. */
export async function execReleaseContainer(b: BundlePaths, id: string): Promise<void> {
  await execRuncCleanup(b, id);
  execUnmounts(b.dir);
  await execRemoveCgroups(id);
}

/**
 * Takes the bundle out of the containers dir in one rename (its name is free from that moment: lookups skip
 * dot-names), then deletes the files. The rename is what other processes see, so removals need no names lock
 * and delete their files in parallel. Falls back to deleting in place if the rename fails.
 */
export async function execRetireBundle(b: BundlePaths, id: string): Promise<void> {
  const grave = path.join(path.dirname(b.dir), `.removed-${id}-${process.pid}`);
  try {
    renameSync(b.dir, grave);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    rmSync(b.dir, { recursive: true, force: true });
    return;
  }
  // async: the deletes of parallel removals go to libuv's threads instead of blocking the event loop
  await rm(grave, { recursive: true, force: true });
  // bundles retired by a command killed before it deleted them are swept by the next removal
  for (const left of planGraveSweep(readdirNames(path.dirname(b.dir)), isProcessAlive)) {
    await rm(path.join(path.dirname(b.dir), left), { recursive: true, force: true });
  }
}

/** Pure: the retired bundles (`.removed-<id>-<pid>`) whose remover is gone. */
export function planGraveSweep(names: string[], alive: (pid: number) => boolean): string[] {
  return names.filter((n) => {
    const m = /^\.removed-[0-9a-f]{64}-(\d+)$/.exec(n);
    return m !== null && !alive(Number(m[1]));
  });
}

function readdirNames(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
