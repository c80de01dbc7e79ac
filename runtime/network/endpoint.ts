/**
 * Attaching a container (its netns) to a network and detaching it. The container runtime calls
 * attachNetwork with the container's /proc/<pid>/ns/net; tests pass a /run/netns/<name> of their own.
 * Order: decide everything (address, mac, interface, host ports: a taken port fails here, before anything
 * exists), then veth, then published-port rules, then the record (which makes the names resolvable).
 */
import { randomBytes } from 'node:crypto';
import { RuntimeError, wrapError } from '../errors.js';
import { planEndpointAddress, planMacAddress } from './ipam.js';
import { checkInterfaceName, execCreateVeth, execRemoveVeth } from './veth.js';
import { planPortRules } from './iptables-plan.js';
import { execAddRules, execDeleteRules } from './iptables-exec.js';
import { execResolvePorts, type PortRequest } from './ports.js';
import { listNetworks, networkFile, readNetwork, withNetworkLock, withNetworksLock, writeNetwork } from './store.js';
import { execStartResolver } from './dns/process.js';
import { isSameProcessAlive } from '../store/pid-identity.js';
import type { Endpoint, EndpointLink, NetworkRecord } from './types.js';

export interface AttachOptions {
  network: string;
  /** the container's network namespace file (/proc/<pid>/ns/net) */
  netns: string;
  containerId: string;
  containerName: string;
  hostname?: string;
  /** DNS names on this network besides the container name and hostname: service name, aliases, links */
  aliases?: string[];
  ipv4Address?: string;
  macAddress?: string;
  interfaceName?: string;
  /** route the container's default traffic through this network's gateway (default: when it is the first network) */
  defaultRoute?: boolean;
  ports?: PortRequest[];
  /** service `dns`: upstream servers the network resolver uses for this container's outside names */
  dns?: string[];
  /** links / external_links: names only this container resolves, each meaning another container's name */
  links?: EndpointLink[];
}

/** Pure: which of a container's networks carries its default route: highest gw_priority, then list order. */
export function planGatewayNetwork(nets: Array<{ name: string; gwPriority?: number; internal?: boolean }>): string | undefined {
  let best: { name: string; p: number } | undefined;
  for (const n of nets) {
    if (n.internal) continue;
    const p = n.gwPriority ?? 0;
    if (!best || p > best.p) best = { name: n.name, p };
  }
  return best?.name;
}

/** Pure: eth0, eth1, ... the lowest not used by the container's other endpoints. */
export function planInterfaceName(used: string[]): string {
  for (let i = 0; ; i++) if (!used.includes(`eth${i}`)) return `eth${i}`;
}

function endpointsInNetns(all: NetworkRecord[], netns: string): Endpoint[] {
  return all.flatMap((n) => Object.values(n.endpoints).filter((e) => e.netns === netns));
}

export async function attachNetwork(o: AttachOptions): Promise<Endpoint> {
  const ctx = `attach container "${o.containerName}" to network "${o.network}"`;
  const withPortLock = <T>(fn: () => Promise<T>) => (o.ports && o.ports.length > 0 ? withNetworksLock(fn) : fn());
  return withPortLock(() => withNetworkLock(o.network, async () => {
    const rec = readNetwork(o.network);
    if (!rec) throw new RuntimeError('E_NET_NOT_FOUND', `${ctx}: no such network`);
    if (rec.endpoints[o.containerId]) throw new RuntimeError('E_NET_ATTACHED', `${ctx}: already attached`);
    const all = listNetworks();
    const siblings = endpointsInNetns(all.filter((n) => n.name !== rec.name), o.netns);
    const ifname = o.interfaceName ?? planInterfaceName(siblings.map((e) => e.ifname));
    if (o.interfaceName) checkInterfaceName(o.containerName, o.interfaceName);
    if (siblings.some((e) => e.ifname === ifname)) throw new RuntimeError('E_NET_IFNAME', `${ctx}: interface ${ifname} already exists in the container`);
    const ipv4 = planEndpointAddress({
      network: rec.name, subnet: rec.subnet, gateway: rec.gateway, ipRange: rec.ipRange,
      taken: Object.values(rec.endpoints).map((e) => e.ipv4), requested: o.ipv4Address, container: o.containerName,
    });
    const mac = planMacAddress(o.containerName, o.macAddress, ipv4);
    const held = all.flatMap((n) => Object.values(n.endpoints).flatMap((e) => e.ports));
    const ports = o.ports && o.ports.length > 0 ? await execResolvePorts(o.containerName, o.ports, held) : [];
    const ep: Endpoint = {
      containerId: o.containerId,
      containerName: o.containerName,
      ...(o.hostname ? { hostname: o.hostname } : {}),
      aliases: o.aliases ?? [],
      ipv4,
      ...(mac ? { mac } : {}),
      ifname,
      hostVeth: `tsv-${randomBytes(4).toString('hex')}`,
      netns: o.netns,
      ports,
      rules: ports.flatMap((p) => planPortRules(ipv4, p)),
      ...(o.dns && o.dns.length > 0 ? { dns: o.dns } : {}),
      ...(o.links && o.links.length > 0 ? { links: o.links } : {}),
    };
    const defaultRoute = !rec.internal && (o.defaultRoute ?? siblings.length === 0);
    if (defaultRoute) ep.defaultRoute = true;
    let vethMade = false;
    // crash safety: the record names the veth and rules before they exist, so nothing made is ever unrecorded
    rec.endpoints[o.containerId] = { ...ep, pending: true };
    writeNetwork(rec, { durable: false });
    try {
      await execCreateVeth(ctx, {
        hostVeth: ep.hostVeth, bridge: rec.device, netns: o.netns, ifname, address: ipv4,
        prefix: Number(rec.subnet.split('/')[1]), mac, mtu: rec.mtu, gateway: defaultRoute ? rec.gateway : undefined,
      });
      vethMade = true;
      await execAddRules(ctx, ep.rules);
      // a resolver that died (killed, OOM) is brought back by the next attach: no daemon watches it
      if (rec.resolver && !isSameProcessAlive(rec.resolver)) {
        rec.resolver = await execStartResolver(rec.name, networkFile(rec.name), rec.gateway, rec.resolver.port);
      }
      rec.endpoints[o.containerId] = ep;
      writeNetwork(rec, { durable: false });
      return ep;
    } catch (e) {
      if (vethMade) {
        await execDeleteRules(ctx, ep.rules).catch(() => undefined);
        await execRemoveVeth(ep.hostVeth).catch(() => undefined);
      }
      delete rec.endpoints[o.containerId];
      writeNetwork(rec, { durable: false });
      throw withCtx(ctx, e);
    }
  }));
}

/** Detaching frees the address and the host ports; a container whose netns is already gone is fine. */
export async function detachNetwork(network: string, containerId: string): Promise<void> {
  // The veth goes first and outside the network's lock: its name is fixed for the endpoint and deleting it
  // twice is harmless, so `down` of 30 containers deletes their links side by side instead of one `ip` spawn
  // at a time under the lock. A CLI killed right after leaves the record, which the next detach completes.
  const before = readNetwork(network)?.endpoints[containerId];
  if (before) {
    try {
      await execRemoveVeth(before.hostVeth);
    } catch (e) {
      throw withCtx(`detach container "${before.containerName}" from network "${network}"`, e);
    }
  }
  await withNetworkLock(network, async () => {
    const rec = readNetwork(network);
    const ep = rec?.endpoints[containerId];
    if (!rec || !ep) throw new RuntimeError('E_NET_NOT_ATTACHED', `detach container "${containerId.slice(0, 12)}" from network "${network}": not attached`);
    const ctx = `detach container "${ep.containerName}" from network "${network}"`;
    try {
      await execDeleteRules(ctx, ep.rules);
      if (ep.hostVeth !== before?.hostVeth) await execRemoveVeth(ep.hostVeth);
    } catch (e) {
      throw withCtx(ctx, e);
    }
    delete rec.endpoints[containerId];
    writeNetwork(rec, { durable: false });
  });
}

/** The host ports a container got (what `port` reports), across all its networks. */
export function collectPublishedPorts(containerId: string): Array<{ network: string; protocol: string; target: number; hostIp: string; published: number }> {
  return listNetworks().flatMap((n) => (n.endpoints[containerId]?.ports ?? []).map((p) => ({ network: n.name, ...p })));
}

/** Adds the context once: the exec* helpers below already name the same object. */
function withCtx(ctx: string, e: unknown): RuntimeError {
  return e instanceof RuntimeError && e.message.startsWith(`${ctx}: `) ? e : wrapError(ctx, e);
}
