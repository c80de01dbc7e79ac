/**
 * The leak check every e2e test runs: what is on the host after the test that was not there before,
 * reported by name ("link tscb1a2b3c", "iptables -t nat -A TSC-...", "mount /tmp/...",
 * "cgroup memory/tscompose/abc", "process 1234 tscompose-shim ...").
 *
 *   const guard = await withLeakCheck(t);      // snapshot now; check in t.after
 *   const reg = await startRegistry();
 *   guard.defer(() => reg.stop());             // runs before the check (t.after hooks run in FIFO order)
 *
 * The host is shared: anything another test or program creates between the snapshots shows up too.
 * So guards hold a machine-wide lock from snapshot to check (leak-checked tests run one at a time, across
 * processes), and the process rule is narrow (see isSuspectProcess). `only` narrows a check to a test's
 * own objects where even that is not enough (a test that cannot own the lock).
 */
import type { TestContext } from 'node:test';
import { acquireHostLock, type HostLock } from './host-lock.js';
import { snapshotHost, type HostSnapshot, type ProcessEntry } from './host-snapshot.js';

export { snapshotHost, type HostSnapshot, type ProcessEntry } from './host-snapshot.js';

/** Entries to ignore: a substring, a pattern or a predicate on the reported line. */
export type LeakIgnore = string | RegExp | ((entry: string) => boolean);

export interface LeakCheckOptions {
  ignore?: LeakIgnore[];
  /** Keep only the entries this accepts (e.g. those naming the test's own objects). */
  only?: (entry: string) => boolean;
  /** Poll this long for asynchronous cleanup (processes exiting, kernel tearing down links) before failing. */
  timeoutMs?: number;
}

/**
 * Host changes that are not leaks: `ip netns add` bind-mounts /run/netns onto itself once (shared
 * propagation) and never undoes it.
 */
export const defaultIgnore: LeakIgnore[] = [/^mount \/run\/netns$/];

const SUSPECT_NAME = /tscompose|busybox|redis|docker-registry/;

/** Pure: new entries of a multiset (an entry present twice after and once before is new once). */
function added(before: string[], after: string[]): string[] {
  const counts = new Map<string, number>();
  for (const b of before) counts.set(b, (counts.get(b) ?? 0) + 1);
  const out: string[] = [];
  for (const a of after) {
    const n = counts.get(a) ?? 0;
    if (n > 0) counts.set(a, n - 1);
    else out.push(a);
  }
  return out;
}

/**
 * Pure: whether a process that appeared since the snapshot counts as leaked. Unrelated machine activity
 * (shells, cron, other sessions) must not; so only processes that are ours by name, containerised
 * (own pid or mount namespace), or orphans adopted by init that come from a test (the runner's session
 * or a TSCOMPOSE_* environment). Zombies of the runner or init are being reaped, not leaked.
 */
export function isSuspectProcess(p: ProcessEntry, self: HostSnapshot['self']): boolean {
  if (p.pid === self.pid) return false;
  const named = SUSPECT_NAME.test(p.comm) || SUSPECT_NAME.test(p.cmdline);
  // A zombie is dead; it only matters when a tscompose process fails to reap it (not the runner, not init).
  if (p.state === 'Z') return named && p.ppid !== self.pid && p.ppid !== 1;
  if (named) return true;
  if (p.foreignNs) return true;
  return p.ppid === 1 && (p.sid === self.sid || p.testEnv);
}

function describeProcess(p: ProcessEntry): string {
  const notes = [`ppid ${p.ppid}`];
  if (p.state === 'Z') notes.push('zombie');
  if (p.foreignNs) notes.push('own namespace');
  const cmd = p.cmdline.length > 160 ? `${p.cmdline.slice(0, 157)}...` : p.cmdline;
  return `process ${p.pid} ${p.comm} (${notes.join(', ')})${cmd ? `: ${cmd}` : ''}`;
}

/** Pure: what is new in `after`, one line per object, named. */
export function diffHost(before: HostSnapshot, after: HostSnapshot): string[] {
  const out: string[] = [];
  for (const l of added(before.links, after.links)) out.push(`link ${l}`);
  for (const r of added(before.iptables, after.iptables)) out.push(r);
  for (const m of added(before.mounts, after.mounts)) out.push(`mount ${m}`);
  for (const n of added(before.netns, after.netns)) out.push(`netns ${n}`);
  for (const m of added(before.nsfs, after.nsfs)) out.push(`nsfs ${m}`);
  for (const c of added(before.cgroups, after.cgroups)) out.push(`cgroup ${c}`);
  const seen = new Set(before.processes.map((p) => `${p.pid}/${p.start}`));
  for (const p of after.processes) {
    if (!seen.has(`${p.pid}/${p.start}`) && isSuspectProcess(p, after.self)) out.push(describeProcess(p));
  }
  return out;
}

function matches(entry: string, ig: LeakIgnore): boolean {
  if (typeof ig === 'string') return entry.includes(ig);
  if (ig instanceof RegExp) return ig.test(entry);
  return ig(entry);
}

/** Pure: the diff without ignored entries (defaultIgnore always applies), narrowed by `only`. */
export function filterLeaks(entries: string[], ignore: LeakIgnore[] = [], only?: (entry: string) => boolean): string[] {
  const all = [...defaultIgnore, ...ignore];
  return entries.filter((e) => !all.some((ig) => matches(e, ig)) && (!only || only(e)));
}

/** The leaks now, compared to `before`, polled until clean or `timeoutMs` (then the last list). */
export async function collectLeaks(before: HostSnapshot, opts: LeakCheckOptions = {}): Promise<string[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const leaks = filterLeaks(diffHost(before, await snapshotHost()), opts.ignore, opts.only);
    if (leaks.length === 0 || Date.now() >= deadline) return leaks;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Throws, naming every leaked object, if the host has anything new since `before`. */
export async function assertNoLeaks(before: HostSnapshot, opts: LeakCheckOptions = {}): Promise<void> {
  const leaks = await collectLeaks(before, opts);
  if (leaks.length > 0) throw new Error(`left behind on the host (${leaks.length}):\n  ${leaks.join('\n  ')}`);
}

export interface LeakGuard {
  readonly before: HostSnapshot;
  /** Cleanup to run before the check (last registered runs first). */
  defer(fn: () => unknown): void;
  /** Runs the deferred cleanups, then the leak check; throws with every failure. Idempotent. */
  check(): Promise<void>;
}

export interface GuardOptions extends LeakCheckOptions {
  /** Hold the machine-wide e2e lock from snapshot to check (default true). */
  exclusive?: boolean;
}

/**
 * Takes the host lock (unless exclusive: false), snapshots the host; `check()` later runs deferred
 * cleanups, asserts nothing leaked and releases the lock.
 */
export async function leakGuard(opts: GuardOptions = {}): Promise<LeakGuard> {
  const lock: HostLock | undefined = opts.exclusive === false ? undefined : await acquireHostLock();
  let before: HostSnapshot;
  try {
    before = await snapshotHost();
  } catch (e) {
    await lock?.release();
    throw e;
  }
  const cleanups: Array<() => unknown> = [];
  let done: Promise<void> | undefined;
  const runCheck = async () => {
    const errors: string[] = [];
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()!();
      } catch (e) {
        errors.push(`cleanup failed: ${(e as Error).message}`);
      }
    }
    try {
      await assertNoLeaks(before, opts);
    } catch (e) {
      errors.push((e as Error).message);
    } finally {
      await lock?.release();
    }
    if (errors.length > 0) throw new Error(errors.join('\n'));
  };
  return {
    before,
    defer: (fn) => void cleanups.push(fn),
    check: () => (done ??= runCheck()),
  };
}

/** For node:test: snapshot now, check when the test ends (in t.after, so a failing test is still checked). */
export async function withLeakCheck(t: TestContext, opts: GuardOptions = {}): Promise<LeakGuard> {
  const guard = await leakGuard(opts);
  t.after(() => guard.check());
  return guard;
}
