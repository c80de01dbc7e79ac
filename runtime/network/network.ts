/**
 * Network lifecycle: create (addresses, bridge, iptables, resolver, record) and remove, each all-or-nothing:
 * a failure undoes what was already done, in reverse order, before the error is thrown.
 */
import { randomBytes } from 'node:crypto';
import { RuntimeError, wrapError } from '../errors.js';
import { collectHostRoutes } from './host-routes.js';
import { planNetworkAddressing, type UsedSubnet } from './ipam.js';
import { collectFreeDeviceName, execCreateBridge, execEnableForwarding, execRemoveBridge, planMtu } from './bridge.js';
import { planNetworkRules } from './iptables-plan.js';
import { execAddRules, execDeleteRules, execEnsureChains, execRemoveChainsIfUnused } from './iptables-exec.js';
import { deleteResolverLog, execStartResolver, execStopResolver } from './dns/process.js';
import { checkNetworkName, deleteNetworkRecord, listNetworks, networkFile, readNetwork, withNetworkLock, withNetworksLock, writeNetwork } from './store.js';
import type { NetworkCreateOptions, NetworkRecord } from './types.js';

export async function createNetwork(opts: NetworkCreateOptions): Promise<NetworkRecord> {
  const ctx = `create network "${opts.name}"`;
  checkNetworkName(opts.name);
  if (opts.enableIpv6) {
    throw new RuntimeError('E_NET_IPV6', `${ctx}: enable_ipv6 is not supported yet`, { hint: 'remove enable_ipv6 from the network (IPv4 only for now)' });
  }
  if (opts.driver && opts.driver !== 'bridge') {
    throw new RuntimeError('E_NET_DRIVER', `${ctx}: driver "${opts.driver}" is not supported (only bridge)`);
  }
  const driverOpts = opts.driverOpts ?? {};
  const mtu = planMtu(opts.name, driverOpts);
  return withNetworksLock(async () => {
    const existing = readNetwork(opts.name);
    if (existing?.pending) await execUndoPendingNetwork(ctx, existing);
    else if (existing) throw new RuntimeError('E_NET_EXISTS', `${ctx}: a network with this name already exists`);
    const others = listNetworks();
    // networks first: an overlap with one of ours is reported by its name, not by its bridge's route
    const used: UsedSubnet[] = [
      ...others.map((n) => ({ cidr: n.subnet, owner: `network "${n.name}"` })),
      ...collectHostRoutes(),
    ];
    const addr = planNetworkAddressing(opts.name, { subnet: opts.subnet, gateway: opts.gateway, ipRange: opts.ipRange }, used);
    const rec: NetworkRecord = {
      name: opts.name,
      id: randomBytes(32).toString('hex'),
      driver: 'bridge',
      device: collectFreeDeviceName(),
      ...addr,
      ...(mtu ? { mtu } : {}),
      internal: opts.internal ?? false,
      labels: opts.labels ?? {},
      driverOpts,
      created: new Date().toISOString(),
      rules: [],
      endpoints: {},
    };
    rec.rules = planNetworkRules({ device: rec.device, subnet: rec.subnet, internal: rec.internal });
    const undo: Array<() => Promise<void>> = [];
    try {
      // crash safety: the record names the device and rules before they exist (see NetworkRecord.pending)
      writeNetwork({ ...rec, pending: true }, { durable: false });
      undo.push(async () => deleteNetworkRecord(rec.name));
      // registered first: a batch that failed half-way may have left the device behind
      undo.push(() => execRemoveBridge(rec.device));
      await execCreateBridge(opts.name, rec.device, rec.gateway, rec.subnet, mtu);
      await execEnsureChains();
      await execAddRules(ctx, rec.rules);
      undo.push(() => execDeleteRules(ctx, rec.rules));
      if (!rec.internal) execEnableForwarding();
      if (!opts.noResolver) {
        rec.resolver = await execStartResolver(rec.name, networkFile(rec.name), rec.gateway);
        undo.push(() => execStopResolver(rec.resolver!));
      }
      writeNetwork(rec);
      return rec;
    } catch (e) {
      for (const u of undo.reverse()) await u().catch(() => undefined);
      if (others.length === 0) await execRemoveChainsIfUnused().catch(() => undefined);
      throw wrapError(ctx, e);
    }
  });
}

/** Undoes a create killed half-way (deletes tolerate what was never made), under the networks lock. */
async function execUndoPendingNetwork(ctx: string, rec: NetworkRecord): Promise<void> {
  try {
    if (rec.resolver) await execStopResolver(rec.resolver);
    for (const ep of Object.values(rec.endpoints)) await execDeleteRules(ctx, ep.rules);
    await execDeleteRules(ctx, rec.rules);
    await execRemoveBridge(rec.device);
    deleteNetworkRecord(rec.name);
    deleteResolverLog(rec.name);
  } catch (e) {
    throw wrapError(`${ctx}: undo an earlier create that was interrupted`, e);
  }
}

export interface RemoveOptions {
  /** remove even with endpoints left (their veths and rules are removed too); for cleanup after crashes */
  force?: boolean;
}

export async function removeNetwork(name: string, opts: RemoveOptions = {}): Promise<void> {
  const ctx = `remove network "${name}"`;
  checkNetworkName(name);
  await withNetworksLock(() => withNetworkLock(name, async () => {
    const rec = readNetwork(name);
    if (!rec) throw new RuntimeError('E_NET_NOT_FOUND', `${ctx}: no such network`);
    const eps = Object.values(rec.endpoints);
    if (eps.length > 0 && !opts.force) {
      throw new RuntimeError('E_NET_IN_USE', `${ctx}: in use by container(s) ${eps.map((e) => `"${e.containerName}"`).join(', ')}`, {
        hint: 'stop and remove those containers first',
      });
    }
    try {
      if (rec.resolver) await execStopResolver(rec.resolver);
      for (const ep of eps) await execDeleteRules(ctx, ep.rules);
      await execDeleteRules(ctx, rec.rules);
      await execRemoveBridge(rec.device); // its veths go with it
      deleteNetworkRecord(name);
      deleteResolverLog(name);
      if (listNetworks().length === 0) await execRemoveChainsIfUnused();
    } catch (e) {
      throw wrapError(ctx, e);
    }
  }));
}

export function inspectNetwork(name: string): NetworkRecord {
  const rec = readNetwork(name);
  if (!rec) throw new RuntimeError('E_NET_NOT_FOUND', `network "${name}" not found`);
  return rec;
}

export { listNetworks };

/** Removes every network without endpoints whose labels match all of `filter`; returns the names removed. */
export async function pruneNetworks(filter: Record<string, string> = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const n of listNetworks()) {
    if (Object.keys(n.endpoints).length > 0) continue;
    if (!Object.entries(filter).every(([k, v]) => n.labels[k] === v)) continue;
    await removeNetwork(n.name);
    removed.push(n.name);
  }
  return removed;
}
