/**
 * The log multiplexer: one reader per container of the scope, merged into one sink. Without follow, the
 * entries of every container are merged by time. With follow, a poll of the project's containers (every
 * ~500 ms) picks up new containers (new replicas, recreated ones) and containers started again after they
 * exited (their reader resumes after the last entry it saw), and reports exits — also the ones a restart
 * policy follows, as `(restarting)`.
 */
import { readLogs, type LogEntry } from '../../runtime/index.js';
import { mergeByTime, stampKey } from './log-merge.js';
import { collectLogContainers, hasExited, type LogContainer, type LogScope } from './log-select.js';

export interface ExitEvent { container: LogContainer; exitCode: number; restarting: boolean }

export interface LogSink {
  line(c: LogContainer, entry: LogEntry): void;
  /** a container the follow picked up after the start (a new replica, a recreated one) */
  added?(c: LogContainer): void;
  exited?(e: ExitEvent): void;
}

export interface StreamOptions {
  scope: LogScope;
  /** the containers to start with (default: collected from the scope) */
  initial?: LogContainer[];
  tail?: number;
  /** RFC3339Nano */
  since?: string;
  until?: string;
  follow: boolean;
  signal?: AbortSignal;
  /** how often the project's containers are listed while following (ms) */
  pollMs?: number;
  /**
   * Count the initial containers' exits even when they have exited already (`up`: it just started them,
   * and a quick one may be done before the logs are read).
   */
  initialLive?: boolean;
  /** how often each reader polls its file (ms) */
  readPollMs?: number;
  /**
   * While following: called after each poll with every tracked container; true ends the stream. Default:
   * end when no container of the scope is left (all removed), as `logs -f` after a `down`.
   */
  isDone?(tracked: TrackedContainer[]): boolean;
}

export interface TrackedContainer {
  container: LogContainer;
  /** a reader is running */
  following: boolean;
  /** it was seen running (so its exit is news worth reporting) */
  wasLive: boolean;
  /** the stamp of the last entry passed on */
  last?: string;
  startedAt?: string;
  restartCount: number;
}

async function collectEntries(id: string, o: { tail?: number; since?: string; until?: string }): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  try {
    for await (const e of readLogs(id, o)) out.push(e);
  } catch (e) {
    if ((e as { code?: string }).code !== 'E_NO_SUCH_CONTAINER') throw e; // removed meanwhile: nothing to show
  }
  return out;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
  signal.addEventListener('abort', done, { once: true });
});

export async function streamLogs(opts: StreamOptions, sink: LogSink): Promise<void> {
  const initial = opts.initial ?? collectLogContainers(opts.scope);
  if (!opts.follow) {
    const lists = await Promise.all(initial.map(async (c) => ({ source: c.id, entries: await collectEntries(c.id, opts) })));
    const byId = new Map(initial.map((c) => [c.id, c]));
    for (const { source, entry } of mergeByTime(lists)) sink.line(byId.get(source)!, entry);
    return;
  }

  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const tracked = new Map<string, TrackedContainer>();
  const readers = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const isDone = opts.isDone ?? ((all: TrackedContainer[]) => all.length === 0);

  /** A reader ended: the container exited for good, or was removed. */
  const noteEnded = (t: TrackedContainer): void => {
    const now = collectLogContainers({ ...opts.scope, services: [t.container.service], index: undefined }).find((c) => c.id === t.container.id);
    if (!now) { tracked.delete(t.container.id); return; }
    t.container = now;
    if (t.wasLive && hasExited(now.summary)) sink.exited?.({ container: now, exitCode: now.summary.state?.exitCode ?? 0, restarting: false });
    t.wasLive = false;
  };

  const follow = (t: TrackedContainer, o: { tail?: number; since?: string }): void => {
    t.following = true;
    t.startedAt = t.container.summary.state?.startedAt;
    const after = t.last === undefined ? undefined : stampKey(t.last);
    const p = (async () => {
      try {
        for await (const e of readLogs(t.container.id, { follow: true, tail: o.tail, since: o.since, until: opts.until, signal: stop.signal, pollMs: opts.readPollMs })) {
          if (after !== undefined && stampKey(e.time) <= after) continue; // already passed on before a restart
          t.last = e.time;
          sink.line(t.container, e);
        }
      } catch (e) {
        if ((e as { code?: string }).code !== 'E_NO_SUCH_CONTAINER') failures.push(e); // reported when the stream ends
      }
    })().finally(() => {
      readers.delete(p);
      t.following = false;
      if (!stop.signal.aborted) {
        try { noteEnded(t); } catch (e) { failures.push(e); }
      }
    });
    readers.add(p);
  };

  for (const c of initial) {
    const t: TrackedContainer = { container: c, following: false, wasLive: opts.initialLive === true || !hasExited(c.summary), restartCount: c.summary.state?.restartCount ?? 0 };
    tracked.set(c.id, t);
    follow(t, { tail: opts.tail, since: opts.since });
  }

  try {
    while (!stop.signal.aborted) {
      const seen = new Set<string>();
      for (const c of collectLogContainers(opts.scope)) {
        seen.add(c.id);
        let t = tracked.get(c.id);
        if (!t) {
          t = { container: c, following: false, wasLive: !hasExited(c.summary), restartCount: c.summary.state?.restartCount ?? 0 };
          tracked.set(c.id, t);
          sink.added?.(c);
          follow(t, { since: opts.since });
          continue;
        }
        if (t.following) {
          t.wasLive ||= !hasExited(c.summary);
          const restarts = c.summary.state?.restartCount ?? 0;
          // the restart policy brought it back: the same reader goes on, the exit is still news
          if (restarts > t.restartCount) sink.exited?.({ container: c, exitCode: c.summary.state?.exitCode ?? 0, restarting: true });
          t.restartCount = restarts;
          t.container = c;
        } else if (!hasExited(c.summary) && c.summary.state?.startedAt !== t.startedAt) {
          t.container = c; // started again after it exited: resume after the last entry
          t.wasLive = true;
          t.restartCount = c.summary.state?.restartCount ?? 0;
          follow(t, { since: opts.since });
        }
      }
      for (const [id, t] of tracked) if (!seen.has(id) && !t.following) tracked.delete(id);
      if (isDone([...tracked.values()])) break;
      await sleep(opts.pollMs ?? 500, stop.signal);
    }
  } finally {
    stop.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled([...readers]);
  }
  if (failures.length > 0) throw failures[0];
}
