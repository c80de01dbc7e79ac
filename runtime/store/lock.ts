/**
 * An advisory lock between tscompose processes (the addon has no flock yet). A lock is a file created with
 * O_EXCL holding "pid starttime" of its holder; a holder that died (pid gone or reused) leaves a stale file,
 * which the next taker removes. Locks live under paths().locks (tmpfs on a real host: a reboot frees them).
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import { isSameProcessAlive, selfIdentity } from './pid-identity.js';

export interface LockOptions {
  /** give up after this long (default 30 s) */
  timeoutMs?: number;
}

function tryCreate(file: string, body: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o644);
    try { writeSync(fd, body); } finally { closeSync(fd); }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Pure: does this lock file body name a holder that is gone? An unreadable/empty body is judged by age elsewhere. */
export function parseHolder(body: string): { pid: number; startTime: number } | undefined {
  const [p, s] = body.trim().split(/\s+/);
  const pid = Number(p);
  const startTime = Number(s);
  return Number.isInteger(pid) && pid > 0 && Number.isFinite(startTime) ? { pid, startTime } : undefined;
}

function removeIfStale(file: string): void {
  let body: string;
  try { body = readFileSync(file, 'utf8'); } catch { return; }
  const holder = parseHolder(body);
  // A body still being written reads empty: not stale, the writer is alive and about to finish.
  if (!holder || isSameProcessAlive(holder)) return;
  // Rename first so two takers that both saw the stale file cannot delete each other's fresh lock.
  const grave = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, grave);
    const again = parseHolder(readFileSync(grave, 'utf8'));
    if (again && again.pid === holder.pid && again.startTime === holder.startTime) unlinkSync(grave);
    else renameSync(grave, file); // someone replaced it between our read and rename: put it back
  } catch { /* lost the race: fine */ }
}

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.lock`);
  const me = selfIdentity();
  const body = `${me.pid} ${me.startTime}\n`;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let wait = 2;
  while (!tryCreate(file, body)) {
    removeIfStale(file);
    if (Date.now() > deadline) {
      throw new RuntimeError('E_LOCK_TIMEOUT', `lock ${name}: still held by another tscompose process (${file})`, {
        hint: 'another tscompose command is working on the same object; retry when it has finished',
      });
    }
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await fn();
  } finally {
    try { unlinkSync(file); } catch { /* removed by a stale check that misjudged us: nothing to undo */ }
  }
}
