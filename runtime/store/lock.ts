/**
 * An advisory lock between tscompose processes (the addon has no flock yet). A lock is a file created with
 * O_EXCL holding "pid starttime" of its holder; a holder that died (pid gone or reused) leaves a stale file,
 * which the next taker removes. Locks live under paths().locks (tmpfs on a real host: a reboot frees them).
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync, renameSync, statSync } from 'node:fs';
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

/** Pure: the holder a lock file body names; undefined for an empty (still being written) or unreadable body, judged by age in removeIfStale. */
export function parseHolder(body: string): { pid: number; startTime: number } | undefined {
  const [p, s] = body.trim().split(/\s+/);
  const pid = Number(p);
  const startTime = Number(s);
  return Number.isInteger(pid) && pid > 0 && Number.isFinite(startTime) ? { pid, startTime } : undefined;
}

/** A writer fills its lock file within microseconds of creating it: one still empty after this was abandoned. */
const EMPTY_LOCK_ABANDONED_MS = 5_000;

function checkEmptyLockAbandoned(file: string): boolean {
  try { return Date.now() - statSync(file).mtimeMs > EMPTY_LOCK_ABANDONED_MS; } catch { return false; }
}

function removeIfStale(file: string): void {
  let body: string;
  try { body = readFileSync(file, 'utf8'); } catch { return; }
  const holder = parseHolder(body);
  // A body still being written reads empty: not stale, the writer is alive and about to finish; unless it
  // has read empty for long (its writer was killed between creating the file and writing it).
  if (holder ? isSameProcessAlive(holder) : !checkEmptyLockAbandoned(file)) return;
  // Rename first so two takers that both saw the stale file cannot delete each other's fresh lock.
  const grave = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, grave);
    const again = parseHolder(readFileSync(grave, 'utf8'));
    const same = holder ? again?.pid === holder.pid && again.startTime === holder.startTime : again === undefined;
    if (same) unlinkSync(grave);
    else renameSync(grave, file); // someone replaced it between our read and rename: put it back
  } catch { /* lost the race: fine */ }
}

/**
 * Waiters of this process, per lock file: each waits for the one before it in memory and is handed the lock
 * the moment it is released, instead of polling the file with back-off (30 parallel steps of one `up` on one
 * network's lock spent most of their time asleep between polls). Other processes still meet at the file.
 */
const localQueues = new Map<string, Promise<void>>();

function lockTimeout(name: string, file: string): RuntimeError {
  return new RuntimeError('E_LOCK_TIMEOUT', `lock ${name}: still held by another tscompose process (${file})`, {
    hint: 'another tscompose command is working on the same object; retry when it has finished',
  });
}

/** Resolves when `turn` does; rejects at the deadline (a same-process holder that never lets go). */
function waitTurn(turn: Promise<void>, deadline: number, onTimeout: () => Error): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now())); });
  return Promise.race([turn, late]).finally(() => clearTimeout(timer));
}

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const file = path.join(dir, `${name}.lock`);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const before = localQueues.get(file);
  let done!: () => void;
  const mine = new Promise<void>((r) => { done = r; });
  const tail = (before ?? Promise.resolve()).then(() => mine);
  localQueues.set(file, tail);
  try {
    if (before) await waitTurn(before, deadline, () => lockTimeout(name, file));
    return await withFileLock(dir, name, file, deadline, fn);
  } finally {
    done();
    if (localQueues.get(file) === tail) localQueues.delete(file);
  }
}

async function withFileLock<T>(dir: string, name: string, file: string, deadline: number, fn: () => Promise<T> | T): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const me = selfIdentity();
  const body = `${me.pid} ${me.startTime}\n`;
  let wait = 2;
  while (!tryCreate(file, body)) {
    removeIfStale(file);
    // a dead holder's file is taken over at once, even with no time left to wait (timeoutMs 0: "try once")
    if (tryCreate(file, body)) break;
    if (Date.now() > deadline) throw lockTimeout(name, file);
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await fn();
  } finally {
    try { unlinkSync(file); } catch { /* removed by a stale check that misjudged us: nothing to undo */ }
  }
}
