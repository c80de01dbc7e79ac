/**
 * After a host reboot (or the same damage simulated): a network's record survives on disk while its bridge,
 * iptables rules, resolver and every veth are gone. restoreNetwork brings the bridge, the network's own
 * rules (each added only when `iptables -C` does not find it) and the resolver back; the endpoints of
 * containers that come back are moved to their new netns by reattachEndpoint with the same address, MAC,
 * interface, names and published ports.
 */
import { existsSync } from 'node:fs';
import { execCreateBridge, execEnableForwarding } from './bridge.js';
import { execAddRules, execDeleteRules, execEnsureChains } from './iptables-exec.js';
import { execToolRaw } from './exec-tool.js';
import { planRuleArgv } from './iptables-plan.js';
import { execRemoveVeth } from './veth.js';
import { execStartResolver } from './dns/process.js';
import { attachNetwork } from './endpoint.js';
import { networkFile, readNetwork, withNetworkLock, withNetworksLock, writeNetwork } from './store.js';
import { isSameProcessAlive } from '../store/pid-identity.js';
import { RuntimeError, wrapError } from '../errors.js';
import type { Endpoint, IptRule } from './types.js';

/** What restoreNetwork had to redo, for the report. */
export interface NetworkRestore {
  network: string;
  bridge: boolean;
  rules: number;
  resolver: boolean;
}

async function execAddMissingRules(what: string, rules: IptRule[]): Promise<number> {
  const missing: IptRule[] = [];
  for (const r of rules) if ((await execToolRaw(planRuleArgv('-C', r))).code !== 0) missing.push(r);
  await execAddRules(what, missing);
  return missing.length;
}

export async function restoreNetwork(name: string): Promise<NetworkRestore> {
  const ctx = `restore network "${name}"`;
  return withNetworksLock(() => withNetworkLock(name, async () => {
    const rec = readNetwork(name);
    if (!rec) throw new RuntimeError('E_NET_NOT_FOUND', `${ctx}: no such network`);
    const out: NetworkRestore = { network: name, bridge: false, rules: 0, resolver: false };
    try {
      if (!existsSync(`/sys/class/net/${rec.device}`)) {
        await execCreateBridge(rec.name, rec.device, rec.gateway, rec.subnet, rec.mtu);
        out.bridge = true;
      }
      await execEnsureChains();
      out.rules = await execAddMissingRules(ctx, rec.rules);
      if (!rec.internal) execEnableForwarding();
      if (rec.resolver && !isSameProcessAlive(rec.resolver)) {
        rec.resolver = await execStartResolver(rec.name, networkFile(rec.name), rec.gateway, rec.resolver.port);
        out.resolver = true;
      }
      writeNetwork(rec);
      return out;
    } catch (e) {
      throw e instanceof RuntimeError && e.message.startsWith(ctx) ? e : wrapError(ctx, e);
    }
  }));
}

/**
 * Takes a dead container's endpoint out of the record (its rules and veth too, where they survived) and
 * returns it, so the container can be attached again once it runs; undefined when it had none here.
 */
export async function releaseStaleEndpoint(network: string, containerId: string): Promise<Endpoint | undefined> {
  return withNetworkLock(network, async () => {
    const rec = readNetwork(network);
    const ep = rec?.endpoints[containerId];
    if (!rec || !ep) return undefined;
    const ctx = `restore container "${ep.containerName}" on network "${network}"`;
    try {
      await execDeleteRules(ctx, ep.rules);
      await execRemoveVeth(ep.hostVeth);
    } catch (e) {
      throw e instanceof RuntimeError && e.message.startsWith(ctx) ? e : wrapError(ctx, e);
    }
    delete rec.endpoints[containerId];
    writeNetwork(rec, { durable: false });
    return ep;
  });
}

/** The same endpoint again, in the container's new network namespace. */
export function reattachEndpoint(network: string, ep: Endpoint, netns: string, defaultRoute: boolean): Promise<Endpoint> {
  return attachNetwork({
    network, netns, containerId: ep.containerId, containerName: ep.containerName,
    ...(ep.hostname ? { hostname: ep.hostname } : {}),
    aliases: ep.aliases, ipv4Address: ep.ipv4, ...(ep.mac ? { macAddress: ep.mac } : {}), interfaceName: ep.ifname,
    defaultRoute,
    ports: ep.ports.map((p) => ({ protocol: p.protocol, target: p.target, published: p.published, hostIp: p.hostIp })),
    ...(ep.dns ? { dns: ep.dns } : {}),
    ...(ep.links ? { links: ep.links } : {}),
  });
}
