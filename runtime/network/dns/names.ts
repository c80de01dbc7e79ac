/**
 * The embedded resolver's decisions (pure): the name table of one network and the answer to one query.
 * A name known on the network gets its A records with TTL 0 (so a new replica or a recreated container is
 * seen on the very next query); an unknown single-label name is NXDOMAIN at once (no upstream knows it,
 * and asking one can hang for seconds); everything else goes to the host's resolvers.
 */
import dnsPacket from 'dns-packet';
import type { Endpoint } from '../types.js';

export type NameTable = Map<string, string[]>;

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Container names, hostnames, aliases (service names, links) and short ids of the network's endpoints. */
export function planNameTable(endpoints: Record<string, Endpoint>): NameTable {
  const table: NameTable = new Map();
  const add = (name: string | undefined, ip: string) => {
    if (!name) return;
    const k = norm(name);
    const list = table.get(k) ?? [];
    if (!list.includes(ip)) list.push(ip);
    table.set(k, list);
  };
  for (const ep of Object.values(endpoints)) {
    add(ep.containerName, ep.ipv4);
    add(ep.hostname, ep.ipv4);
    add(ep.containerId.slice(0, 12), ep.ipv4);
    for (const a of ep.aliases) add(a, ep.ipv4);
  }
  for (const list of table.values()) list.sort(compareIp);
  return table;
}

function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** client address → alias → the names it stands for (links and external_links, per container). */
export type LinkTable = Map<string, Map<string, string[]>>;

export function planLinkTable(endpoints: Record<string, Endpoint>): LinkTable {
  const out: LinkTable = new Map();
  for (const ep of Object.values(endpoints)) {
    for (const l of ep.links ?? []) {
      const mine = out.get(ep.ipv4) ?? new Map<string, string[]>();
      const alias = norm(l.alias);
      mine.set(alias, [...(mine.get(alias) ?? []), norm(l.target)]);
      out.set(ep.ipv4, mine);
    }
  }
  return out;
}

/** The addresses a name means for one client: its links first (Docker's per-endpoint aliases), then the network's. */
function lookup(name: string, table: NameTable, links: LinkTable | undefined, client: string | undefined): string[] | undefined {
  const targets = client ? links?.get(client)?.get(name) : undefined;
  if (targets) {
    const ips = [...new Set(targets.flatMap((t) => table.get(t) ?? []))].sort(compareIp);
    if (ips.length > 0) return ips;
  }
  return table.get(name);
}

export type Decision =
  | { kind: 'answer'; packet: Buffer }
  | { kind: 'forward' }
  | { kind: 'drop' };

export function planResponse(query: Buffer, table: NameTable, client?: string, links?: LinkTable): Decision {
  let q: dnsPacket.Packet;
  try {
    q = dnsPacket.decode(query);
  } catch {
    return { kind: 'drop' }; // not DNS: no reply, as any resolver would
  }
  const question = q.questions?.[0];
  if (q.type !== 'query' || !question) return { kind: 'drop' };
  const name = norm(question.name);
  const ips = lookup(name, table, links, client);
  const reply = (rcode: 'NOERROR' | 'NXDOMAIN', answers: dnsPacket.Answer[]) => ({
    kind: 'answer' as const,
    packet: dnsPacket.encode({
      type: 'response',
      id: q.id,
      // dns-packet encodes the rcode only from the low bits of flags
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (dnsPacket.RECURSION_DESIRED & (q.flags ?? 0)) | dnsPacket.RECURSION_AVAILABLE | RCODE[rcode],
      questions: [question],
      answers,
    } as dnsPacket.Packet),
  });
  if (ips) {
    if (question.type !== 'A' || question.class !== 'IN') return reply('NOERROR', []);
    return reply('NOERROR', ips.map((ip) => ({ type: 'A' as const, name: question.name, class: 'IN' as const, ttl: 0, data: ip })));
  }
  if (!name.includes('.')) return reply('NXDOMAIN', []);
  return { kind: 'forward' };
}

/** A SERVFAIL for a query no upstream answered in time (or when the host has no resolver at all). */
export function planServfail(query: Buffer): Buffer | undefined {
  try {
    const q = dnsPacket.decode(query);
    return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | RCODE.SERVFAIL, questions: q.questions ?? [] } as dnsPacket.Packet);
  } catch {
    return undefined;
  }
}

/** Pure: IPv4 nameservers of a resolv.conf text. */
export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*(?:#.*)?$/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}
