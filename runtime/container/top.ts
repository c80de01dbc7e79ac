/** top: the processes of a container's cgroup, ps-like (UID PID PPID C STIME TTY TIME CMD), read from /proc. */
import { readFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { cgroupDir, cgroupVersion } from './cgroup-paths.js';
import { openContainer } from './lookup.js';

export interface TopRow {
  uid: number; pid: number; ppid: number; state: string; rssKb: number; cpuTicks: number; cmd: string;
  /** clock ticks after boot when the process started (stat field 22); with bootTime gives ps's STIME */
  startTicks?: number;
}

/** Pure: one process from its /proc stat line, status text and cmdline bytes. */
export function parseProcess(pid: number, stat: string, status: string, cmdline: string): TopRow {
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const f = stat.slice(close + 2).split(' ');
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const args = cmdline.split('\0').filter(Boolean);
  return {
    uid, pid, ppid: Number(f[1]), state: f[0] ?? '?', rssKb,
    cpuTicks: Number(f[11]) + Number(f[12]), // utime + stime
    startTicks: Number(f[19]),
    cmd: args.length > 0 ? args.join(' ') : `[${comm}]`,
  };
}

/** Seconds since the epoch at boot (/proc/stat btime), to turn startTicks into a time of day. */
export function bootTime(): number {
  try {
    return Number(/^btime (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function cgroupPids(id: string): number[] {
  const v = cgroupVersion();
  const file = v === 'v2' ? `${cgroupDir(v, id, '')}/cgroup.procs` : `${cgroupDir(v, id, 'pids')}/cgroup.procs`;
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function topContainer(ref: string): TopRow[] {
  const c = openContainer(ref, 'top');
  if (c.status !== 'running' && c.status !== 'paused') throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `top container "${c.meta.name}": the container is ${c.status}`);
  const rows: TopRow[] = [];
  for (const pid of cgroupPids(c.meta.id)) {
    try {
      rows.push(parseProcess(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync(`/proc/${pid}/status`, 'utf8'), readFileSync(`/proc/${pid}/cmdline`, 'latin1')));
    } catch { /* exited while we read */ }
  }
  return rows.sort((a, b) => a.pid - b.pid);
}
