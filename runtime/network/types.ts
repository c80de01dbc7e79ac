/**
 * What a network is on disk: one JSON record per network under paths().networks/<name>.json. The record is
 * also the name registry the network's resolver reads (it re-reads it when its mtime changes), so a new
 * endpoint is resolvable as soon as attach has renamed the new record into place.
 */

/** One iptables rule exactly as added: deleting it is `-D chain ...args` in the same table. */
export interface IptRule {
  table: 'filter' | 'nat';
  chain: string;
  args: string[];
}

export interface PublishedPort {
  protocol: 'tcp' | 'udp';
  /** container port */
  target: number;
  /** host port actually used (random ones resolved) */
  published: number;
  /** '' = all host addresses */
  hostIp: string;
}

export interface Endpoint {
  containerId: string;
  containerName: string;
  hostname?: string;
  /** extra DNS names on this network (service name, aliases, links) */
  aliases: string[];
  ipv4: string;
  mac?: string;
  /** interface name inside the container */
  ifname: string;
  /** host side of the veth pair */
  hostVeth: string;
  /** the netns the endpoint lives in (e.g. /proc/<pid>/ns/net) */
  netns: string;
  ports: PublishedPort[];
  /** the iptables rules this endpoint added (published ports) */
  rules: IptRule[];
  /** service `dns`: where the resolver forwards this container's outside names (default: the host's) */
  dns?: string[];
  /** links and external_links: `alias` asked by this container means the container (or name) `target` */
  links?: EndpointLink[];
  /** the container's default route goes through this network (restore after a reboot sets it up the same way) */
  defaultRoute?: boolean;
  /**
   * Recorded before its veth and rules are made, cleared once they are: an endpoint still pending was left by
   * a process killed half-way; detaching it removes whatever part was made (deletes tolerate what is missing).
   */
  pending?: boolean;
}

export interface EndpointLink {
  alias: string;
  target: string;
}

export interface ResolverProcess {
  pid: number;
  startTime: number;
  address: string;
  port: number;
}

export interface NetworkRecord {
  /** the full name (`<project>_<name>` for Compose networks) */
  name: string;
  id: string;
  driver: 'bridge';
  /** the Linux bridge device, `tsc-<8 hex>` */
  device: string;
  subnet: string;
  gateway: string;
  ipRange?: string;
  mtu?: number;
  internal: boolean;
  labels: Record<string, string>;
  driverOpts: Record<string, string>;
  created: string;
  /** the network's own iptables rules, as added */
  rules: IptRule[];
  resolver?: ResolverProcess;
  /** keyed by container id */
  endpoints: Record<string, Endpoint>;
  /**
   * Recorded before the bridge, rules and resolver exist, cleared once they all do: a network still pending
   * was left by a process killed half-way; the next create of that name undoes it first, remove removes it.
   */
  pending?: boolean;
}

export interface NetworkCreateOptions {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  enableIpv6?: boolean;
  labels?: Record<string, string>;
  driverOpts?: Record<string, string>;
  /** do not start the embedded resolver (unit-ish tests, benchmarks of the bare data path) */
  noResolver?: boolean;
}
