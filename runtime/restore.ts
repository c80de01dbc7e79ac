/**
 * restore: what a daemon would do at boot, run once by `tscompose restore` (contrib/systemd runs it after
 * network-online). After a reboot the records survive on disk while shims, container processes, bridges,
 * iptables rules, resolvers and veths are gone. First every network is made whole again (bridge, rules,
 * resolver); then each container whose policy is always or unless-stopped and that was not stopped
 * explicitly gets a new process from its bundle, is attached to its networks with the same addresses,
 * names and published ports while it waits, and is started. One failure does not stop the others.
 */
import { readFileSync } from 'node:fs';
import { listNetworks } from './network/store.js';
import { acquireVolume } from './volume/volume.js';
import { listVolumes, readVolume, withVolumeLock, writeVolume } from './volume/store.js';
import { releaseStaleEndpoint, reattachEndpoint, restoreNetwork, type NetworkRestore } from './network/restore.js';
import { collectMetas } from './container/meta.js';
import { execRepairState, readShimState, shimAlive } from './container/state.js';
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

export async function restoreAll(progress: RestoreProgress = {}): Promise<RestoreReport> {
  const report: RestoreReport = { networks: [], containers: [] };
  for (const n of listNetworks()) {
    try {
      const r = await restoreNetwork(n.name);
      report.networks.push(r);
      progress.network?.(n.name, r.bridge || r.rules > 0 || r.resolver ? 'restored' : 'unchanged');
    } catch (e) {
      report.networks.push({ network: n.name, error: message(e) });
      progress.network?.(n.name, 'failed', message(e));
    }
  }
  const metas = collectMetas(paths().containers);
  for (const { meta } of planRestoreOrder(metas.map((m) => m.meta)).map((meta) => ({ meta }))) {
    const bundle = metas.find((m) => m.meta.id === meta.id)!.bundle;
    const raw = readShimState(bundle);
    const state = raw ? execRepairState(bundle, raw) : undefined;
    const verdict = planRestoreVerdict(meta.spec, state, !!raw && shimAlive(raw));
    const row: ContainerRestore = { id: meta.id, name: meta.name, verdict };
    report.containers.push(row);
    if (verdict !== 'restore') continue;
    progress.container?.(meta.name, 'restoring');
    try {
      await execRestoreOne(meta.id);
      progress.container?.(meta.name, 'restored');
    } catch (e) {
      row.error = message(e);
      progress.container?.(meta.name, 'failed', row.error);
    }
  }
  return report;
}
