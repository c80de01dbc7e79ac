/**
 * Ports: the short syntax `[host_ip:][published:]target[/protocol]` with ranges becomes one long-form
 * entry per container port, as docker compose expands it. Long entries get their defaults
 * (mode ingress, protocol tcp), `target` as an integer and `published` as a string.
 */
import { child, invalid, isMap, type CanonContext, type Normaliser } from './context.js';

interface Range { start: number; end: number }

function parseRange(text: string, ctx: CanonContext, what: string): Range {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw invalid(ctx, `invalid ${what} "${text}": expected a port number or a range like 8000-8010`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) throw invalid(ctx, `invalid ${what} "${text}": ports are 0-65535 and a range goes upwards`);
  return { start, end };
}

/** Splits `ip:published:target` where ip may be `[v6]` or a bare IPv6 with more colons. */
function splitSpec(spec: string): { ip?: string; published?: string; target: string } {
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    const ip = spec.slice(1, close);
    const rest = spec.slice(close + 2).split(':');
    return rest.length === 1 ? { ip, target: rest[0]! } : { ip, published: rest[0], target: rest[1]! };
  }
  const parts = spec.split(':');
  if (parts.length === 1) return { target: parts[0]! };
  if (parts.length === 2) return { published: parts[0], target: parts[1]! };
  const target = parts.pop()!;
  const published = parts.pop()!;
  return { ip: parts.join(':'), published, target };
}

export function parsePortShort(raw: string | number, ctx: CanonContext): Array<Record<string, unknown>> {
  const text = String(raw).trim();
  const slash = text.lastIndexOf('/');
  const protocol = slash >= 0 ? text.slice(slash + 1) : 'tcp';
  const spec = slash >= 0 ? text.slice(0, slash) : text;
  if (protocol === '') throw invalid(ctx, `invalid port "${text}": empty protocol`);
  const { ip, published, target } = splitSpec(spec);
  const container = parseRange(target, ctx, 'container port');
  const host = published === undefined || published === '' ? undefined : parseRange(published, ctx, 'published port');
  const count = container.end - container.start + 1;
  const entry = (t: number, pub: string | undefined): Record<string, unknown> => {
    const e: Record<string, unknown> = { mode: 'ingress' };
    if (ip !== undefined && ip !== '') e.host_ip = ip;
    e.target = t;
    if (pub !== undefined) e.published = pub;
    e.protocol = protocol;
    return e;
  };
  if (host && count === 1 && host.end > host.start) return [entry(container.start, `${host.start}-${host.end}`)];
  if (host && host.end - host.start + 1 !== count) {
    throw invalid(ctx, `invalid port "${text}": the published range and the container range differ in size`);
  }
  const out = [];
  for (let i = 0; i < count; i++) out.push(entry(container.start + i, host ? String(host.start + i) : undefined));
  return out;
}

function longPort(v: Record<string, unknown>, ctx: CanonContext): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  out.mode = v.mode ?? 'ingress';
  out.protocol = v.protocol ?? 'tcp';
  if (typeof v.target === 'string') {
    if (!/^\d+$/.test(v.target)) throw invalid(child(ctx, 'target'), `invalid port "${v.target}": expected an integer`);
    out.target = Number(v.target);
  }
  if (typeof v.published === 'number') out.published = String(v.published);
  if (out.published === '' || out.published === null) delete out.published;
  return out;
}

export const ports: Normaliser = (v, ctx) => {
  if (!Array.isArray(v)) return v;
  const out: unknown[] = [];
  v.forEach((p, i) => {
    const c = child(ctx, i);
    if (typeof p === 'string' || typeof p === 'number') out.push(...parsePortShort(p, c));
    else if (isMap(p)) out.push(longPort(p, c));
    else throw invalid(c, 'expected a port string, number or mapping');
  });
  return out;
};

/** expose: ["80", "8000-8010/udp"] stays a list of strings. */
export const expose: Normaliser = (v) => (Array.isArray(v) ? v.map((x) => String(x)) : v);
