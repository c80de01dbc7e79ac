/**
 * The names file the C resolver (native/dns) reads: the network record boiled down to lines a C program
 * parses with one sscanf each. Written next to the record (`<network>.names`) every time the record is, by
 * rename, so the resolver sees a change on its next query (it compares mtime, size and inode).
 *
 *   A <name> <ipv4>                  container name, hostname, alias (service name) or short id
 *   L <client-ipv4> <alias> <name>   a link of the container at <client-ipv4>: <alias> means <name> for it only
 *   U <client-ipv4> <ipv4[:port]>    where that container's outside names go (service `dns`)
 */
import type { Endpoint, NetworkRecord } from '../types.js';

const SAFE = /^[A-Za-z0-9_.-]+$/;

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function ipKey(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

/** Pure. Names a C line cannot carry (spaces, empty) are left out: no resolver could be asked for them anyway. */
export function planNamesFile(rec: Pick<NetworkRecord, 'name' | 'endpoints'>): string {
  const a = new Map<string, Set<string>>();
  const add = (name: string | undefined, ip: string) => {
    if (!name || !SAFE.test(name)) return;
    const k = norm(name);
    if (!a.has(k)) a.set(k, new Set());
    a.get(k)!.add(ip);
  };
  const eps: Endpoint[] = Object.values(rec.endpoints);
  for (const ep of eps) {
    add(ep.containerName, ep.ipv4);
    add(ep.hostname, ep.ipv4);
    add(ep.containerId.slice(0, 12), ep.ipv4);
    for (const alias of ep.aliases) add(alias, ep.ipv4);
  }
  const lines = [`# tscompose-dns names of network ${rec.name}`];
  for (const name of [...a.keys()].sort()) {
    for (const ip of [...a.get(name)!].sort((x, y) => ipKey(x) - ipKey(y))) lines.push(`A ${name} ${ip}`);
  }
  const byIp = [...eps].sort((x, y) => ipKey(x.ipv4) - ipKey(y.ipv4));
  for (const ep of byIp) {
    for (const l of ep.links ?? []) {
      if (SAFE.test(l.alias) && SAFE.test(l.target)) lines.push(`L ${ep.ipv4} ${norm(l.alias)} ${norm(l.target)}`);
    }
  }
  for (const ep of byIp) {
    for (const server of ep.dns ?? []) if (/^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(server)) lines.push(`U ${ep.ipv4} ${server}`);
  }
  return `${lines.join('\n')}\n`;
}
