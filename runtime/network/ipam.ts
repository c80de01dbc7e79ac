/**
 * Address management (pure): which subnet a new network gets, its gateway, and which address a container
 * gets on it. Effects (reading host routes, the records of other networks) are done by the caller and
 * passed in as lists, so every decision here is testable without root.
 *
 * Default pool: 10.201.0.0/16 cut into /24s. Docker takes 172.17-31.x/16 and 192.168.x/20 by default,
 * podman 10.88.0.0/16 and 10.89.x/24, Kubernetes distributions 10.42-43 (k3s), 10.96 and 10.244 (kubeadm,
 * flannel); 10.0-10.10 and 10.255 are common for LANs and VPNs. 10.201 collides with none of these, and
 * subnets already routed on the host are skipped anyway. A /24 (253 containers) fits a Compose network.
 */
import { RuntimeError } from '../errors.js';
import { contains, formatCidr, formatIp, hostRange, overlaps, parseCidr, parseIp, size, type Cidr } from './cidr.js';

export const DEFAULT_POOL = { base: '10.201.0.0/16', size: 24 } as const;

export interface IpamRequest {
  /** ipam.config[0].subnet */
  subnet?: string;
  /** ipam.config[0].gateway */
  gateway?: string;
  /** ipam.config[0].ip_range: dynamic addresses come only from here */
  ipRange?: string;
}

export interface UsedSubnet {
  cidr: string;
  /** who holds it: `route on eth0` or `network "demo_default"` */
  owner: string;
}

export interface IpamResult {
  subnet: string;
  gateway: string;
  ipRange?: string;
}

/** Chooses the subnet and gateway of a new network; `used` are host routes and other networks' subnets. */
export function planNetworkAddressing(netName: string, req: IpamRequest, used: UsedSubnet[] = [], pool = DEFAULT_POOL): IpamResult {
  const ctx = `network "${netName}"`;
  const usedCidrs = used.map((u) => ({ ...u, c: parseCidr(u.cidr, 'used subnet') }));
  let subnet: Cidr;
  if (req.subnet) {
    subnet = wrap(ctx, () => parseCidr(req.subnet!));
    if (subnet.prefix > 30) throw new RuntimeError('E_NET_CIDR', `${ctx}: subnet ${req.subnet} is too small (at most /30)`);
    const clash = usedCidrs.find((u) => overlaps(u.c, subnet));
    if (clash) {
      throw new RuntimeError('E_NET_OVERLAP', `${ctx}: subnet ${req.subnet} overlaps ${clash.cidr} (${clash.owner})`, {
        hint: 'choose another ipam.config subnet, or remove the network that holds it',
      });
    }
  } else {
    const poolCidr = parseCidr(pool.base, 'pool');
    const step = 2 ** (32 - pool.size);
    let found: Cidr | undefined;
    for (let b = poolCidr.base; b < poolCidr.base + size(poolCidr); b += step) {
      const cand = { base: b, prefix: pool.size };
      if (!usedCidrs.some((u) => overlaps(u.c, cand))) { found = cand; break; }
    }
    if (!found) {
      throw new RuntimeError('E_NET_POOL_EXHAUSTED', `${ctx}: no free /${pool.size} left in the address pool ${pool.base}`, {
        hint: 'remove unused networks (`tscompose network prune`) or give the network an ipam.config subnet',
      });
    }
    subnet = found;
  }
  const range = hostRange(subnet);
  let gateway = range.first;
  if (req.gateway) {
    const g = parseIp(req.gateway);
    if (g === undefined || !contains(subnet, g) || g < range.first || g > range.last) {
      throw new RuntimeError('E_NET_ADDRESS', `${ctx}: gateway ${req.gateway} is not a host address of subnet ${formatCidr(subnet)}`);
    }
    gateway = g;
  }
  let ipRange: string | undefined;
  if (req.ipRange) {
    const r = wrap(ctx, () => parseCidr(req.ipRange!, 'ip_range'));
    if (r.prefix < subnet.prefix || !contains(subnet, r.base)) {
      throw new RuntimeError('E_NET_ADDRESS', `${ctx}: ip_range ${req.ipRange} is not inside subnet ${formatCidr(subnet)}`);
    }
    ipRange = formatCidr(r);
  }
  return { subnet: formatCidr(subnet), gateway: formatIp(gateway), ...(ipRange ? { ipRange } : {}) };
}

export interface AddressPlanInput {
  network: string;
  subnet: string;
  gateway: string;
  ipRange?: string;
  /** addresses held by other endpoints of this network */
  taken: string[];
  /** the container's static ipv4_address */
  requested?: string;
  /** the container, for messages */
  container: string;
}

/** The address a container gets: the static one (checked) or the lowest free one (of ip_range when set). */
export function planEndpointAddress(inp: AddressPlanInput): string {
  const ctx = `attach container "${inp.container}" to network "${inp.network}"`;
  const subnet = parseCidr(inp.subnet);
  const gw = parseIp(inp.gateway);
  const taken = new Set(inp.taken.map((t) => parseIp(t)));
  taken.add(gw);
  const range = hostRange(subnet);
  if (inp.requested) {
    const ip = parseIp(inp.requested);
    if (ip === undefined) throw new RuntimeError('E_NET_ADDRESS', `${ctx}: ipv4_address "${inp.requested}" is not an IPv4 address`);
    if (!contains(subnet, ip) || ip < range.first || ip > range.last) {
      throw new RuntimeError('E_NET_ADDRESS', `${ctx}: ipv4_address ${inp.requested} is outside the subnet ${inp.subnet}`);
    }
    if (taken.has(ip)) {
      throw new RuntimeError('E_NET_ADDRESS_IN_USE', `${ctx}: ipv4_address ${inp.requested} is already in use${ip === gw ? ' (it is the gateway)' : ''}`);
    }
    return inp.requested;
  }
  const pool = inp.ipRange ? parseCidr(inp.ipRange) : subnet;
  const pr = hostRange(pool);
  const first = Math.max(pr.first, range.first);
  const last = Math.min(pr.last, range.last);
  for (let ip = first; ip <= last; ip++) if (!taken.has(ip)) return formatIp(ip);
  throw new RuntimeError('E_NET_ADDRESS_EXHAUSTED', `${ctx}: no free address left in ${inp.ipRange ?? inp.subnet}`);
}

/** Static MAC addresses must be unicast, well formed; lower-cased for comparisons. */
/**
 * The container's MAC: the one asked for, else derived from its IPv4 address as Docker does (02:42 + the four
 * address bytes). A stable MAC per address matters: a recreated container gets the freed address back, and a
 * random new MAC would leave the host's neighbour entry pointing at the old one, silencing published ports
 * until it expires.
 */
export function planMacAddress(container: string, mac: string | undefined, ipv4?: string): string | undefined {
  if (mac === undefined) {
    if (ipv4 === undefined) return undefined;
    return ['02', '42', ...ipv4.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
  }
  const m = mac.trim().toLowerCase();
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m) || (parseInt(m.slice(0, 2), 16) & 1) === 1) {
    throw new RuntimeError('E_NET_MAC', `container "${container}": mac_address "${mac}" is not a unicast MAC address (xx:xx:xx:xx:xx:xx)`);
  }
  return m;
}

function wrap<T>(ctx: string, fn: () => T): T {
  try { return fn(); } catch (e) { throw e instanceof RuntimeError ? e.withContext(ctx) : e; }
}
