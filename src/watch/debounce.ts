/**
 * Groups file events into batches as docker compose does: a batch is handed over once no new event came
 * for the quiet period (500 ms there), so an editor saving many files, or a `git checkout`, is one batch.
 * Batches are handled one at a time; events arriving meanwhile form the next batch. Timers are injected
 * so the decisions are tested without waiting.
 */
export const QUIET_PERIOD_MS = 500;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };

export interface Batcher {
  add(path: string): void;
  /** resolves once the batch being handled (if any) is done; pending events are dropped */
  close(): Promise<void>;
}

export function createBatcher(handle: (paths: string[]) => Promise<void>, opts: { quietMs?: number; timers?: Timers } = {}): Batcher {
  const quietMs = opts.quietMs ?? QUIET_PERIOD_MS;
  const timers = opts.timers ?? realTimers;
  let pending = new Set<string>();
  let timer: unknown;
  let running: Promise<void> | undefined;
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    if (running) return; // the running batch re-arms the timer when it ends
    const batch = [...pending];
    pending = new Set();
    running = handle(batch).finally(() => {
      running = undefined;
      if (!closed && pending.size > 0 && timer === undefined) timer = timers.set(flush, quietMs);
    });
  };

  return {
    add(p: string): void {
      if (closed) return;
      pending.add(p);
      if (timer !== undefined) timers.clear(timer);
      timer = timers.set(flush, quietMs);
    },
    async close(): Promise<void> {
      closed = true;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      pending.clear();
      await running;
    },
  };
}
