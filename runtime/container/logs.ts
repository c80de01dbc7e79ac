/**
 * Reading a container's json-file log the way `docker logs` does: rotated files oldest first
 * (`<id>-json.log.N` … `.1`, then the live file), tail, since/until, and follow — which keeps an open fd on
 * the live file so a rotation (rename) loses nothing, switches to the new file, and ends when the container
 * has exited for good (its shim is gone), across restarts in between.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, readFileSync, existsSync } from 'node:fs';
import type { BundlePaths } from './bundle.js';
import { openContainer } from './lookup.js';
import { readShimState, shimAlive } from './state.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC3339Nano as written */
  time: string;
  log: string;
}

export interface LogOptions {
  /** last N entries of what exists now (follow then continues with new ones) */
  tail?: number;
  /** Date, or RFC3339 text */
  since?: Date | string;
  until?: Date | string;
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
  /** poll interval while following (ms) */
  pollMs?: number;
}

/** Pure: one json-file line → an entry (a torn or foreign line is skipped, not fatal). */
export function parseLogLine(line: string): LogEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    const v = JSON.parse(line) as Partial<LogEntry>;
    if (typeof v.log !== 'string' || typeof v.time !== 'string') return undefined;
    return { stream: v.stream === 'stderr' ? 'stderr' : 'stdout', time: v.time, log: v.log };
  } catch {
    return undefined;
  }
}

/** RFC3339Nano → nanoseconds since the epoch; Date.parse alone drops them (and a double cannot hold them). */
function timeKey(t: string): bigint {
  const ms = Date.parse(t);
  if (!Number.isFinite(ms)) return 0n;
  const frac = /\.(\d+)/.exec(t)?.[1] ?? '';
  return BigInt(ms) * 1_000_000n + BigInt(frac.slice(3, 9).padEnd(6, '0'));
}

function toKey(d: Date | string | undefined): bigint | undefined {
  if (d === undefined) return undefined;
  return typeof d === 'string' ? timeKey(d) : BigInt(d.getTime()) * 1_000_000n;
}

/** Pure: the filter for one entry. */
export function planLogFilter(opts: LogOptions): (e: LogEntry) => boolean {
  const since = toKey(opts.since);
  const until = toKey(opts.until);
  const out = opts.stdout ?? true;
  const err = opts.stderr ?? true;
  return (e) => {
    if (e.stream === 'stdout' ? !out : !err) return false;
    const k = timeKey(e.time);
    if (since !== undefined && k < since) return false;
    if (until !== undefined && k > until) return false;
    return true;
  };
}

/** The rotated files that exist, oldest first. */
export function rotatedFiles(logPath: string): string[] {
  const files: string[] = [];
  for (let i = 1; existsSync(`${logPath}.${i}`); i++) files.unshift(`${logPath}.${i}`);
  return files;
}

function parseAll(text: string): LogEntry[] {
  return text.split('\n').map(parseLogLine).filter((e): e is LogEntry => !!e);
}

function readChunk(fd: number, offset: number): Buffer {
  const size = fstatSync(fd).size;
  if (size <= offset) return Buffer.alloc(0);
  const buf = Buffer.alloc(size - offset);
  const n = readSync(fd, buf, 0, buf.length, offset);
  return buf.subarray(0, n);
}

function containerGone(b: BundlePaths): boolean {
  if (!existsSync(b.meta)) return true;
  const s = readShimState(b);
  return !!s && (s.status === 'exited' || s.status === 'dead') && !shimAlive(s);
}

export async function* readLogs(ref: string, opts: LogOptions = {}): AsyncGenerator<LogEntry> {
  const c = openContainer(ref, 'logs');
  const logPath = c.bundle.log;
  const keep = planLogFilter(opts);
  // open the live file first, so whatever is appended after the snapshot below is read by the follow loop
  let fd: number | undefined;
  try { fd = openSync(logPath, 'r'); } catch { fd = undefined; }
  let offset = fd === undefined ? 0 : fstatSync(fd).size;
  let snapshot: LogEntry[] = [];
  for (const f of rotatedFiles(logPath)) { try { snapshot.push(...parseAll(readFileSync(f, 'utf8'))); } catch { /* rotated away meanwhile */ } }
  if (fd !== undefined) snapshot.push(...parseAll(readChunk(fd, 0).subarray(0, offset).toString('utf8')));
  snapshot = snapshot.filter(keep);
  if (opts.tail !== undefined && opts.tail >= 0) snapshot = opts.tail === 0 ? [] : snapshot.slice(-opts.tail);
  for (const e of snapshot) yield e;
  if (!opts.follow) { if (fd !== undefined) closeSync(fd); return; }

  let partial = '';
  const poll = opts.pollMs ?? 100;
  try {
    for (;;) {
      if (opts.signal?.aborted) return;
      const gone = containerGone(c.bundle); // read before draining so the last lines are not missed
      if (fd === undefined) {
        try { fd = openSync(logPath, 'r'); offset = 0; } catch { /* not created yet */ }
      }
      if (fd !== undefined) {
        const chunk = readChunk(fd, offset);
        offset += chunk.length;
        const text = partial + chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) { const e = parseLogLine(l); if (e && keep(e)) yield e; }
        // rotated: the path now names a new file; the old one (now .1) has been drained above
        let rotated = false;
        try { rotated = statSync(logPath).ino !== fstatSync(fd).ino; } catch { rotated = false; }
        if (rotated) { closeSync(fd); fd = undefined; partial = ''; continue; }
      }
      if (gone) return;
      await new Promise((r) => setTimeout(r, poll));
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
