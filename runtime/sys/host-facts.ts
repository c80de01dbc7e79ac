/**
 * Observes the host prerequisites tscompose depends on. Effects only; the judgement is in
 * prerequisites.ts so it can be tested without a host.
 */
import { existsSync, readFileSync, accessSync, constants, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadAddon, shimPath } from './native.js';

export interface HostFacts {
  euid: number;
  filesystems: string[];
  /** 'v1' (or hybrid with v1 controllers), 'v2', or 'none' */
  cgroups: 'v1' | 'v2' | 'none';
  cgroupControllers: string[];
  iptables: string | null;
  ip: string | null;
  addon: string | null;
  shim: string | null;
  ipForward: string | null;
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return null;
}

function readOr(file: string, fallback: string): string {
  try { return readFileSync(file, 'utf8'); } catch { return fallback; }
}

export function collectHostFacts(): HostFacts {
  const filesystems = readOr('/proc/filesystems', '').split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter(Boolean);
  let cgroups: HostFacts['cgroups'] = 'none';
  let controllers: string[] = [];
  if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) {
    cgroups = 'v1';
    controllers = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'].filter((c) => existsSync(`/sys/fs/cgroup/${c}`));
  } else if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    cgroups = 'v2';
    controllers = readOr('/sys/fs/cgroup/cgroup.controllers', '').trim().split(/\s+/).filter(Boolean);
  }
  let addon: string | null = null;
  try { addon = `abi ${loadAddon().abiVersion}`; } catch { addon = null; }
  let shim: string | null = null;
  const sp = shimPath();
  if (existsSync(sp)) {
    const r = spawnSync(sp, ['--version'], { encoding: 'utf8', timeout: 5000 });
    shim = r.status === 0 ? r.stdout.trim() : null;
  }
  return {
    euid: process.geteuid?.() ?? -1,
    filesystems,
    cgroups,
    cgroupControllers: controllers,
    iptables: which('iptables'),
    ip: which('ip'),
    addon,
    shim,
    ipForward: readOr('/proc/sys/net/ipv4/ip_forward', '').trim() || null,
  };
}
