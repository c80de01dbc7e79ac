/**
 * restore: what a daemon would do at boot, run once by `tscompose restore` (contrib/systemd runs it after
 * network-online). After a reboot the records survive on disk while shims, container processes, bridges,
 * iptables rules, resolvers and veths are gone. First every network is made whole again (bridge, rules,
 * resolver); then each container whose policy is always or unless-stopped and that was not stopped
 * explicitly gets a new process from its bundle, is attached to its networks with the same addresses,
 * names and published ports while it waits, and is started. One failure does not stop the others.
 * The caller may group the work by owner (src/ passes the Compose project label and the project lock), so
 * an `up` or `down` of that project never interleaves with its restore; verdicts are taken inside the lock.
 */
import { readFileSync } from 'node:fs';
import { listNetworks, readNetwork } from './network/store.js';
import { acquireVolume } from './volume/volume.js';
import { listVolumes, readVolume, withVolumeLock, writeVolume } from './volume/store.js';
import { releaseStaleEndpoint, reattachEndpoint, restoreNetwork, type NetworkRestore } from './network/restore.js';
import { collectMetas, findContainer, type ContainerMeta } from './container/meta.js';
import { execRepairState, readShimState, shimAlive } from './container/state.js';
import { execRemakeSecrets } from './container/secret-record.js';
import { execRestoreContainer, planRestoreOrder, planRestoreVerdict, type RestoreVerdict } from './container/restore.js';
import { paths } from './store/paths.js';
import type { Endpoint } from './network/types.js';

export interface ContainerRestore {
  id: string;
  name: string;
  verdict: RestoreVerdict;
  /** set when a container to restore could not be brought back */
  error?: string;
}

export interface RestoreReport {
  networks: Array<NetworkRestore | { network: string; error: string }>;
  containers: ContainerRestore[];
}

/** How the caller serialises restore with its own commands: objects with the same scope restore under one lock. */
export interface RestoreScope {
  /** the owner of a network or container, from its labels (undefined: no lock) */
  scopeOf: (labels: Record<string, string>) => string | undefined;
  withScope: <T>(scope: string, fn: () => Promise<T>) => Promise<T>;
}

export interface RestoreProgress {
  network?: (name: string, outcome: 'restored' | 'unchanged' | 'failed', detail?: string) => void;
  container?: (name: string, outcome: 'restoring' | 'restored' | 'failed', detail?: string) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Pure: the endpoint that carries the default route: the recorded one, else the first non-internal by interface. */
export function planDefaultRoute(eps: Array<{ network: string; ep: Endpoint; internal: boolean }>): string | undefined {
  const recorded = eps.find((e) => e.ep.defaultRoute);
  if (recorded) return recorded.network;
  return [...eps].sort((a, b) => a.ep.ifname.localeCompare(b.ep.ifname, 'en', { numeric: true })).find((e) => !e.internal)?.network;
}

/** Pure: the mount points of a mountinfo text (octal escapes decoded). */
export function planMountPoints(mountinfo: string): Set<string> {
  return new Set(mountinfo.split('\n').map((l) => l.split(' ')[4]).filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))));
}

/** A driver_opts volume (tmpfs, bind, a device) the reboot unmounted: its record still says mounted. */
async function execRemountVolumes(id: string): Promise<void> {
  const points = planMountPoints(readFileSync('/proc/self/mountinfo', 'utf8'));
  for (const v of listVolumes()) {
    if (!v.users.includes(id) || !v.mounted || points.has(v.mountpoint)) continue;
    await withVolumeLock(v.name, () => {
      const cur = readVolume(v.name);
      if (cur) writeVolume({ ...cur, mounted: false });
    });
    await acquireVolume(v.name, id); // mounts it again (the container is already among its users)
  }
}

async function execRestoreOne(id: string): Promise<void> {
  // endpoints first: their addresses and host ports are released, then taken again by the same container
  const eps: Array<{ network: string; ep: Endpoint; internal: boolean }> = [];
  for (const n of listNetworks()) {
    if (!n.endpoints[id]) continue;
    const ep = await releaseStaleEndpoint(n.name, id);
    if (ep) eps.push({ network: n.name, ep, internal: n.internal });
  }
  eps.sort((a, b) => a.ep.ifname.localeCompare(b.ep.ifname, 'en', { numeric: true }));
  await execRemountVolumes(id);
  const gateway = planDefaultRoute(eps);
  await execRestoreContainer(id, async (pid) => {
    for (const e of eps) await reattachEndpoint(e.network, e.ep, `/proc/${pid}/ns/net`, e.network === gateway);
  });
}

/** Pure: consecutive runs of the same scope, keeping the order (a later run of a scope seen before stays apart). */
export function planScopeRuns<T>(items: T[], scopeOf: (item: T) => string | undefined): Array<{ scope: string | undefined; items: T[] }> {
  const runs: Array<{ scope: string | undefined; items: T[] }> = [];
  for (const item of items) {
    const scope = scopeOf(item);
    const last = runs[runs.length - 1];
    if (last && last.scope === scope) last.items.push(item);
    else runs.push({ scope, items: [item] });
  }
  return runs;
}

/** Pure: items of the same scope brought together, in the order each scope first appears (stable inside). */
export function planGroupByScope<T>(items: T[], scopeOf: (item: T) => string | undefined): T[] {
  const first = new Map<string | undefined, number>();
  items.forEach((it, i) => { const k = scopeOf(it); if (!first.has(k)) first.set(k, i); });
  return items.map((it, i) => ({ it, i })).sort((a, b) => first.get(scopeOf(a.it))! - first.get(scopeOf(b.it))! || a.i - b.i).map((x) => x.it);
}

/** Pure: containers in restore order (joined namespaces first), grouped by scope unless one joins another scope's. */
export function planScopedOrder(metas: ContainerMeta[], scopeOf: (labels: Record<string, string>) => string | undefined): ContainerMeta[] {
  const ordered = planRestoreOrder(metas);
  const joins = (m: ContainerMeta) => [m.spec.network, m.spec.pid, m.spec.ipc].flatMap((n) => (n?.mode === 'container' ? [n.container] : []));
  // grouping could put a container before the one (of another scope) whose namespace it joins: keep the plain order then
  const crosses = ordered.some((m) => joins(m).some((j) => {
    const t = ordered.find((o) => o.id === j || o.name === j);
    return t !== undefined && scopeOf(t.labels) !== scopeOf(m.labels);
  }));
  return crosses ? ordered : planGroupByScope(ordered, (m) => scopeOf(m.labels));
}

export async function restoreAll(progress: RestoreProgress = {}, scope?: RestoreScope): Promise<RestoreReport> {
  const report: RestoreReport = { networks: [], containers: [] };
  const scopeOf = scope?.scopeOf ?? (() => undefined);
  const within = <T>(key: string | undefined, fn: () => Promise<T>): Promise<T> => (key !== undefined && scope ? scope.withScope(key, fn) : fn());
  for (const run of planScopeRuns(planGroupByScope(listNetworks(), (n) => scopeOf(n.labels)), (n) => scopeOf(n.labels))) {
    await within(run.scope, async () => {
      for (const n of run.items) {
        if (!readNetwork(n.name)) continue; // removed by a down that held the lock meanwhile
        try {
          const r = await restoreNetwork(n.name);
          report.networks.push(r);
          progress.network?.(n.name, r.bridge || r.rules > 0 || r.resolver ? 'restored' : 'unchanged');
        } catch (e) {
          report.networks.push({ network: n.name, error: message(e) });
          progress.network?.(n.name, 'failed', message(e));
        }
      }
    });
  }
  const metas = collectMetas(paths().containers);
  const ordered = planScopedOrder(metas.map((m) => m.meta), scopeOf);
  for (const run of planScopeRuns(ordered, (m) => scopeOf(m.labels))) {
    await within(run.scope, async () => {
      for (const meta of run.items) await execRestoreListed(meta, report, progress);
    });
  }
  return report;
}

/** One container: its verdict read now (under the caller's lock), then brought back when it should be. */
async function execRestoreListed(meta: ContainerMeta, report: RestoreReport, progress: RestoreProgress): Promise<void> {
  // read again: an up/down that held the lock may have removed or replaced it meanwhile
  const found = findContainer(paths().containers, meta.id);
  if (!found) return;
  const raw = readShimState(found.bundle);
  const state = raw ? execRepairState(found.bundle, raw) : undefined;
  const verdict = planRestoreVerdict(found.meta.spec, state, !!raw && shimAlive(raw));
  const row: ContainerRestore = { id: meta.id, name: meta.name, verdict };
  report.containers.push(row);
  if (verdict === 'stopped' || verdict === 'policy') {
    // not brought back, but a later `start` binds its secrets/configs too: written back now, best effort
    // (an error here is not restore's failure; that start names what is missing)
    try { execRemakeSecrets(meta.id, found.meta.spec); } catch { /* see above */ }
  }
  if (verdict !== 'restore') return;
  progress.container?.(meta.name, 'restoring');
  try {
    await execRestoreOne(meta.id);
    progress.container?.(meta.name, 'restored');
  } catch (e) {
    row.error = message(e);
    progress.container?.(meta.name, 'failed', row.error);
  }
}
