/**
 * What one batch of changed host paths asks for, as docker compose groups it: per service the files to
 * sync (host → container path, each once), the services to restart or rebuild, and the sync+exec rules to
 * run once each. Pure; the messages are docker compose's.
 */
import { mapPath, type WatchRule } from './rules.js';

export interface SyncMapping { hostPath: string; containerPath: string }

export interface BatchPlan {
  /** service → mappings, in the order the changes came, each container path once */
  sync: Map<string, SyncMapping[]>;
  restart: string[];
  rebuild: string[];
  /** service → indexes into the rule list of the sync+exec rules to run */
  exec: Map<string, number[]>;
}

export function planBatch(paths: string[], rules: WatchRule[]): BatchPlan {
  const sync = new Map<string, Map<string, SyncMapping>>();
  const restart = new Set<string>();
  const rebuild = new Set<string>();
  const exec = new Map<string, Set<number>>();
  for (const p of paths) {
    rules.forEach((rule, i) => {
      const m = mapPath(rule, p);
      if (!m) return;
      if (rule.action === 'rebuild') { rebuild.add(rule.service); return; }
      if (rule.action === 'restart') { restart.add(rule.service); return; }
      const bySvc = sync.get(rule.service) ?? new Map<string, SyncMapping>();
      sync.set(rule.service, bySvc);
      if (m.containerPath !== undefined) bySvc.set(m.containerPath, { hostPath: m.hostPath, containerPath: m.containerPath });
      if (rule.action === 'sync+restart') restart.add(rule.service);
      if (rule.action === 'sync+exec') exec.set(rule.service, (exec.get(rule.service) ?? new Set()).add(i));
    });
  }
  return {
    sync: new Map([...sync].filter(([, m]) => m.size > 0).map(([s, m]) => [s, [...m.values()]])),
    restart: [...restart].sort(),
    rebuild: [...rebuild].sort(),
    exec: new Map([...exec].map(([s, set]) => [s, [...set].sort((a, b) => a - b)])),
  };
}

export const isEmptyBatch = (b: BatchPlan): boolean => b.sync.size === 0 && b.restart.length === 0 && b.rebuild.length === 0 && b.exec.size === 0;

/** Go's %q of a string list: `["web" "api"]`. */
export function quoteList(names: string[]): string {
  return `[${names.map((n) => JSON.stringify(n)).join(' ')}]`;
}

export const syncMessage = (service: string, count: number): string => `Syncing service "${service}" after ${count} changes were detected`;
export const restartedMessage = (services: string[]): string => `service(s) ${quoteList(services)} restarted`;
export const rebuildMessage = (services: string[]): string => `Rebuilding service(s) ${quoteList(services)} after changes were detected...`;

/**
 * Pure: the container-side steps of one sync, as docker compose's syncer does them: paths gone on the host
 * are removed; the rest are copied, after their parent directories exist. `exists` says what the host has.
 */
export function planSyncSteps(mappings: SyncMapping[], kind: (hostPath: string) => 'file' | 'dir' | 'missing'): { remove: string[]; mkdir: string[]; copy: SyncMapping[] } {
  const remove: string[] = [];
  const mkdir = new Set<string>();
  const copy: SyncMapping[] = [];
  for (const m of mappings) {
    const k = kind(m.hostPath);
    if (k === 'missing') remove.push(m.containerPath);
    else if (k === 'dir') mkdir.add(m.containerPath);
    else {
      copy.push(m);
      const parent = m.containerPath.slice(0, m.containerPath.lastIndexOf('/')) || '/';
      if (parent !== '/') mkdir.add(parent);
    }
  }
  // a directory created by `mkdir -p` of a deeper one need not be named on its own
  const dirs = [...mkdir].sort();
  const needed = dirs.filter((d) => !dirs.some((o) => o !== d && o.startsWith(`${d}/`)));
  return { remove, mkdir: needed, copy };
}
