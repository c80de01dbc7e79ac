/**
 * The name-service files a container gets (pure): /etc/resolv.conf pointing at its first network's embedded
 * resolver (or the given `dns` servers, or the host's own when it has no network), and /etc/hosts with
 * localhost, its own name and `extra_hosts` (`host-gateway` meaning the gateway of its first network).
 */
import { RuntimeError } from '../errors.js';

export interface ResolvConfInput {
  /** the resolver address of the container's first network (its gateway); absent for none/host modes */
  resolver?: string;
  /** service `dns` */
  dns?: string[];
  dnsSearch?: string[];
  dnsOpt?: string[];
  /** the host's /etc/resolv.conf text, used when the container has no network resolver */
  hostResolvConf: string;
  /** network_mode host: the host's loopback resolvers (127.0.0.53, ...) are reachable, keep them */
  hostNetwork?: boolean;
}

export function planResolvConf(i: ResolvConfInput): string {
  const hostLines = i.hostResolvConf.split('\n').map((l) => l.trim());
  const hostServers = hostLines.filter((l) => /^nameserver\s/.test(l)).map((l) => l.split(/\s+/)[1]!)
    // a loopback resolver of the host is not reachable from a container with a network namespace of its own
    .filter((ip) => i.hostNetwork || (!/^127\./.test(ip) && ip !== '::1'));
  const hostSearch = hostLines.find((l) => /^search\s/.test(l))?.split(/\s+/).slice(1) ?? [];
  const hostOpts = hostLines.find((l) => /^options\s/.test(l))?.split(/\s+/).slice(1) ?? [];
  // with the embedded resolver, user `dns` servers are where it should forward; the container still asks it
  // first so service names work (Docker does the same); without it they are used directly
  const servers = i.resolver ? [i.resolver] : i.dns && i.dns.length > 0 ? i.dns : hostServers;
  const search = i.dnsSearch ?? hostSearch;
  // fail fast: a slow upstream must not stall the container for the libc default 5 s x 2 attempts
  const options = i.dnsOpt ?? (hostOpts.length > 0 ? hostOpts : ['timeout:2', 'attempts:2']);
  const out = servers.map((s) => `nameserver ${s}`);
  if (search.length > 0) out.push(`search ${search.join(' ')}`);
  if (options.length > 0) out.push(`options ${options.join(' ')}`);
  return `${out.join('\n')}\n`;
}

export interface HostsInput {
  hostname: string;
  domainname?: string;
  /** the container's address on its first network */
  address?: string;
  /** `extra_hosts`: "name:ip", "name=ip" or { name: ip }; ip may be host-gateway */
  extraHosts?: string[] | Record<string, string | string[]>;
  /** the address host-gateway stands for */
  hostGateway?: string;
  container: string;
  /** network_mode host: the host's /etc/hosts, which extra_hosts are added to (docker's behaviour) */
  hostHosts?: string;
}

export function planHostsFile(i: HostsInput): string {
  const lines = i.hostHosts !== undefined
    ? i.hostHosts.replace(/\n+$/, '').split('\n')
    : ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  const fqdn = i.domainname ? `${i.hostname}.${i.domainname}` : undefined;
  if (i.address) lines.push(`${i.address}\t${fqdn ? `${fqdn} ` : ''}${i.hostname}`);
  const entries: Array<[string, string]> = [];
  if (Array.isArray(i.extraHosts)) {
    for (const e of i.extraHosts) {
      // IPv6 values contain ':' so split at the first separator only
      const m = /^([^:=]+)[:=](.+)$/.exec(e);
      if (!m) throw new RuntimeError('E_EXTRA_HOSTS', `container "${i.container}": extra_hosts entry "${e}" is not NAME:IP`);
      entries.push([m[1]!.trim(), m[2]!.trim().replace(/^\[(.*)\]$/, '$1')]);
    }
  } else if (i.extraHosts) {
    for (const [k, v] of Object.entries(i.extraHosts)) for (const ip of Array.isArray(v) ? v : [v]) entries.push([k, ip]);
  }
  for (const [name, ipRaw] of entries) {
    let ip = ipRaw;
    if (ip === 'host-gateway') {
      if (!i.hostGateway) throw new RuntimeError('E_EXTRA_HOSTS', `container "${i.container}": extra_hosts "${name}:host-gateway" needs a network with a gateway`);
      ip = i.hostGateway;
    }
    lines.push(`${ip}\t${name}`);
  }
  return `${lines.join('\n')}\n`;
}
