/**
 * A pid alone can be reused by the kernel; a pid plus its start time (field 22 of /proc/<pid>/stat, in clock
 * ticks since boot) names one process for the life of the host. Stored with every pid we keep on disk.
 */
import { readFileSync } from 'node:fs';

export interface PidIdentity {
  pid: number;
  startTime: number;
}

/** Pure: field 22 of a /proc/<pid>/stat line. The comm field (2) may hold spaces and ')' so split after the last ')'. */
export function parseStartTime(statLine: string): number | undefined {
  const close = statLine.lastIndexOf(')');
  if (close < 0) return undefined;
  // after ") " come fields 3.. ; field 22 is index 19 of that rest
  const rest = statLine.slice(close + 2).split(' ');
  const v = Number(rest[19]);
  return Number.isFinite(v) ? v : undefined;
}

/** The start time of a live pid, or undefined when no such process exists. */
export function readStartTime(pid: number): number | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return parseStartTime(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Also treats zombies as gone: a zombie's work is done, only its parent has not reaped it yet. */
export function isSameProcessAlive(id: PidIdentity): boolean {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${id.pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const close = stat.lastIndexOf(')');
  if (stat.slice(close + 2, close + 3) === 'Z') return false;
  return parseStartTime(stat) === id.startTime;
}

let self: PidIdentity | undefined;

/** Read once: this process's start time never changes, and every lock taken asks for it. */
export function selfIdentity(): PidIdentity {
  if (self?.pid !== process.pid) self = { pid: process.pid, startTime: readStartTime(process.pid) ?? 0 };
  return { ...self };
}
