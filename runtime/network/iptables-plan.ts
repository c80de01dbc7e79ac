/**
 * Which iptables rules a network and its published ports need (pure; golden-tested as argv lists).
 *
 * Our own chains, each jumped to from a built-in chain by exactly one rule:
 *   filter FORWARD     -> TSC-FWD   (inserted first, so Docker's FORWARD policy DROP never sees our traffic)
 *          TSC-FWD     -> TSC-ISO   (its first rule: isolation is decided before any accept)
 *   nat    PREROUTING  -> TSC-DNAT  (published ports, for traffic addressed to a local address)
 *          OUTPUT      -> TSC-DNAT  (the same for connections made on the host itself, 127.0.0.1 included)
 *          POSTROUTING -> TSC-POST  (MASQUERADE outbound, and localhost sources into the bridge)
 * Published ports are reached through DNAT in the kernel, not a userland proxy: no process per port, the
 * client address is kept for other hosts, and 127.0.0.1 works because the network's own bridge gets
 * route_localnet=1 (only that bridge) and localhost sources are masqueraded to the gateway address.
 */
import type { IptRule, PublishedPort } from './types.js';

export const CHAINS = [
  { table: 'filter', chain: 'TSC-FWD' },
  { table: 'filter', chain: 'TSC-ISO' },
  { table: 'nat', chain: 'TSC-DNAT' },
  { table: 'nat', chain: 'TSC-POST' },
] as const;

/** Every bridge we create is named `tsc-<8 hex>`; iptables matches them all with `tsc-+`. */
export const BRIDGE_PREFIX = 'tsc-';

export interface BaseJump {
  table: 'filter' | 'nat';
  chain: string;
  args: string[];
  /** insert at the top (FORWARD) instead of appending */
  insert: boolean;
}

export function planBaseJumps(): BaseJump[] {
  return [
    { table: 'filter', chain: 'TSC-FWD', args: ['-j', 'TSC-ISO'], insert: true },
    { table: 'filter', chain: 'FORWARD', args: ['-j', 'TSC-FWD'], insert: true },
    { table: 'nat', chain: 'PREROUTING', args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'TSC-DNAT'], insert: false },
    { table: 'nat', chain: 'OUTPUT', args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'TSC-DNAT'], insert: false },
    { table: 'nat', chain: 'POSTROUTING', args: ['-j', 'TSC-POST'], insert: false },
  ];
}

export interface NetworkRuleInput {
  device: string;
  subnet: string;
  internal: boolean;
}

export function planNetworkRules(net: NetworkRuleInput): IptRule[] {
  const br = net.device;
  const f = (chain: string, ...args: string[]): IptRule => ({ table: 'filter', chain, args });
  const n = (chain: string, ...args: string[]): IptRule => ({ table: 'nat', chain, args });
  const rules: IptRule[] = [
    // isolation: traffic from this bridge to any other of our bridges is dropped, unless it was addressed
    // to a published port on the host (DNAT): containers reach other networks' services through the host
    f('TSC-ISO', '-i', br, '-o', br, '-j', 'RETURN'),
    f('TSC-ISO', '-i', br, '-o', `${BRIDGE_PREFIX}+`, '-m', 'conntrack', '!', '--ctstate', 'DNAT', '-j', 'DROP'),
  ];
  if (net.internal) {
    rules.push(
      f('TSC-FWD', '-i', br, '-o', br, '-j', 'ACCEPT'),
      f('TSC-FWD', '-i', br, '-j', 'DROP'),
      f('TSC-FWD', '-o', br, '-j', 'DROP'),
    );
  } else {
    rules.push(
      f('TSC-FWD', '-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
      f('TSC-FWD', '-o', br, '-m', 'conntrack', '--ctstate', 'DNAT', '-j', 'ACCEPT'),
      f('TSC-FWD', '-i', br, '-j', 'ACCEPT'),
      // nothing else is routed into the containers: unpublished ports stay private even with FORWARD ACCEPT
      f('TSC-FWD', '-o', br, '-j', 'DROP'),
      n('TSC-POST', '-s', net.subnet, '!', '-o', br, '-j', 'MASQUERADE'),
      // hairpin: a container reaching a published port of its own network through the host address would
      // get the answer straight from the other container (same bridge) and drop it; through the gateway it fits
      n('TSC-POST', '-s', net.subnet, '-o', br, '-m', 'conntrack', '--ctstate', 'DNAT', '-j', 'MASQUERADE'),
    );
  }
  // connections from the host to a published port on 127.0.0.1 leave through the bridge with a loopback
  // source; the container could not answer one, so they take the gateway's address
  rules.push(n('TSC-POST', '-s', '127.0.0.0/8', '-o', br, '-j', 'MASQUERADE'));
  return rules;
}

export function planPortRules(containerIp: string, port: PublishedPort): IptRule[] {
  const dst = port.hostIp && port.hostIp !== '0.0.0.0' ? ['-d', `${port.hostIp}/32`] : [];
  return [{
    table: 'nat',
    chain: 'TSC-DNAT',
    args: [...dst, '-p', port.protocol, '-m', port.protocol, '--dport', String(port.published), '-j', 'DNAT', '--to-destination', `${containerIp}:${port.target}`],
  }];
}

/** iptables-restore --noflush input that appends (A) or deletes (D) exactly these rules, table by table. */
export function renderRestore(op: 'A' | 'D', rules: IptRule[]): string {
  const tables = [...new Set(rules.map((r) => r.table))];
  const ordered = op === 'D' ? [...rules].reverse() : rules;
  const out: string[] = [];
  for (const t of tables) {
    out.push(`*${t}`);
    for (const r of ordered) if (r.table === t) out.push([`-${op}`, r.chain, ...r.args].map(quote).join(' '));
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

function quote(s: string): string {
  return /^[A-Za-z0-9_./:,+!=-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

/** The argv that checks (-C) or changes one rule through the iptables command itself. */
export function planRuleArgv(op: '-C' | '-A' | '-D' | '-I', rule: { table: string; chain: string; args: string[] }): string[] {
  return ['iptables', '-w', '-t', rule.table, op, rule.chain, ...(op === '-I' ? ['1'] : []), ...rule.args];
}
