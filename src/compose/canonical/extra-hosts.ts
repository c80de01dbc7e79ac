/**
 * extra_hosts: list (`host:ip`, `host=ip`) or mapping (host → ip or list of ips) becomes a list of
 * `host=ip` strings, the form docker compose prints (`=` keeps IPv6 addresses unambiguous).
 */
import { child, invalid, isMap, type Normaliser } from './context.js';

export const extraHosts: Normaliser = (v, ctx) => {
  if (isMap(v)) {
    const out: string[] = [];
    for (const [host, ips] of Object.entries(v)) {
      for (const ip of Array.isArray(ips) ? ips : [ips]) out.push(`${host}=${String(ip)}`);
    }
    return out;
  }
  if (!Array.isArray(v)) return v;
  return v.map((e, i) => {
    if (typeof e !== 'string') throw invalid(child(ctx, i), 'expected "host=ip"');
    const eq = e.indexOf('=');
    if (eq >= 0) return e;
    const colon = e.indexOf(':');
    if (colon < 0) throw invalid(child(ctx, i), `invalid extra host "${e}": expected "host=ip" or "host:ip"`);
    return `${e.slice(0, colon)}=${e.slice(colon + 1).replace(/^\[(.*)\]$/, '$1')}`;
  });
};
