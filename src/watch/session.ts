/**
 * One watch session: chokidar on every rule's path, events batched (debounce.ts), each batch planned
 * (batch.ts) and carried out in docker compose's order: rebuild, sync (per service), restart, then the
 * sync+exec commands. A failing batch is reported and watching goes on, as docker compose does. The
 * session ends when `signal` aborts; what restart and rebuild mean is the caller's (they need the project lock).
 */
import { watch as chokidarWatch } from 'chokidar';
import { planBatch, isEmptyBatch, rebuildMessage, restartedMessage, syncMessage } from './batch.js';
import { createBatcher } from './debounce.js';
import { execSync, execWatchCommand, expandDirectories } from './exec-sync.js';
import { isInDotGit } from './patterns.js';
import type { WatchRule } from './rules.js';

export interface WatchSession {
  project: string;
  rules: WatchRule[];
  /** a watch line (docker compose's watch logger: stdout) */
  log: (line: string) => void;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  restart: (services: string[]) => Promise<void>;
  rebuild?: (services: string[]) => Promise<void>;
  signal: AbortSignal;
  quietMs?: number;
}

/** Carries out one batch of changed host paths. */
export async function execBatch(s: WatchSession, paths: string[]): Promise<void> {
  const plan = planBatch(expandDirectories(paths), s.rules);
  if (isEmptyBatch(plan)) return;
  if (plan.rebuild.length > 0 && s.rebuild) {
    s.log(rebuildMessage(plan.rebuild));
    await s.rebuild(plan.rebuild);
  }
  for (const [service, mappings] of plan.sync) {
    s.log(syncMessage(service, mappings.length));
    await execSync(s.project, service, mappings);
  }
  if (plan.restart.length > 0) {
    await s.restart(plan.restart);
    s.log(restartedMessage(plan.restart));
  }
  const runs: Promise<void>[] = [];
  for (const [service, indexes] of plan.exec) for (const i of indexes) runs.push(execWatchCommand(s.project, service, s.rules[i]!.exec!, s.stdout, s.stderr));
  await Promise.all(runs);
}

/** initial_sync: everything under a sync rule's path (ignores applied) is copied before watching starts. */
async function execInitialSync(s: WatchSession): Promise<void> {
  for (const rule of s.rules) {
    if (!rule.initialSync || rule.action === 'restart' || rule.action === 'rebuild') continue;
    const plan = planBatch(expandDirectories([rule.path]), [rule]);
    for (const [service, mappings] of plan.sync) await execSync(s.project, service, mappings);
  }
}

/** Watches until the signal aborts; resolves after the last batch has finished. */
export async function runWatchSession(s: WatchSession): Promise<void> {
  await execInitialSync(s);
  const batcher = createBatcher(async (paths) => {
    try {
      await execBatch(s, paths);
    } catch (e) {
      s.stderr.write(`Error handling changed files: ${(e as Error).message}\n`);
    }
  }, { ...(s.quietMs !== undefined ? { quietMs: s.quietMs } : {}) });
  const paths = [...new Set(s.rules.map((r) => r.path))];
  const watcher = chokidarWatch(paths, { ignoreInitial: true, persistent: true, ignored: (p: string) => isInDotGit(p) });
  watcher.on('all', (_event, p) => batcher.add(p));
  watcher.on('error', (e) => s.stderr.write(`Watch error: ${(e as Error).message}\n`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  s.log('Watch enabled');
  await new Promise<void>((resolve) => {
    if (s.signal.aborted) resolve();
    else s.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await watcher.close();
  await batcher.close();
  s.log('Watch disabled');
}
