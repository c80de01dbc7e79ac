/**
 * Published ports: which host port each request gets. Checked by binding the port on the host before
 * anything is created (a port in use is an error, the host untouched), and against the ports our other
 * endpoints hold, because DNAT rules do not bind and would otherwise shadow each other silently.
 */
import net from 'node:net';
import dgram from 'node:dgram';
import { RuntimeError } from '../errors.js';
import type { PublishedPort } from './types.js';

export interface PortRequest {
  protocol?: 'tcp' | 'udp';
  target: number;
  /** a port, a range "8000-8010" (first free one is used), or absent for a random free port */
  published?: number | string;
  /** '' or 0.0.0.0 = every host address */
  hostIp?: string;
}

/** Pure: the candidate host ports of one request (empty = random). */
export function planPortCandidates(container: string, req: PortRequest): number[] {
  const bad = (why: string) => new RuntimeError('E_PORT_SPEC', `container "${container}": port ${req.published ?? ''}:${req.target}: ${why}`);
  if (!Number.isInteger(req.target) || req.target < 1 || req.target > 65535) throw bad('container port must be 1-65535');
  if (req.protocol && req.protocol !== 'tcp' && req.protocol !== 'udp') throw bad(`protocol "${String(req.protocol)}" is not tcp or udp`);
  if (req.hostIp && req.hostIp !== '0.0.0.0' && !net.isIPv4(req.hostIp)) throw bad(`host_ip "${req.hostIp}" is not an IPv4 address (IPv6 is not supported yet)`);
  if (req.published === undefined || req.published === '' || req.published === 0) return [];
  const m = /^(\d+)(?:-(\d+))?$/.exec(String(req.published));
  if (!m) throw bad('published port must be a number or a range a-b');
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  if (from < 1 || to > 65535 || to < from) throw bad('published port out of range 1-65535');
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function sameBinding(a: { protocol: string; hostIp: string; published: number }, b: { protocol: string; hostIp: string; published: number }): boolean {
  if (a.protocol !== b.protocol || a.published !== b.published) return false;
  const wild = (ip: string) => ip === '' || ip === '0.0.0.0';
  return wild(a.hostIp) || wild(b.hostIp) || a.hostIp === b.hostIp;
}

/** Binds the port for a moment; resolves to the port bound (useful for 0) or undefined when taken. */
export function probePort(protocol: 'tcp' | 'udp', hostIp: string, port: number): Promise<number | undefined> {
  const host = hostIp === '' ? '0.0.0.0' : hostIp;
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve(undefined);
      else if (e.code === 'EADDRNOTAVAIL') reject(new RuntimeError('E_PORT_HOST_IP', `host_ip ${hostIp} is not an address of this host`));
      else reject(e);
    };
    if (protocol === 'tcp') {
      const srv = net.createServer();
      srv.once('error', fail);
      srv.listen({ host, port, exclusive: true }, () => {
        const got = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(got));
      });
    } else {
      const sock = dgram.createSocket('udp4');
      sock.once('error', fail);
      sock.bind({ address: host, port, exclusive: true }, () => {
        const got = sock.address().port;
        sock.close(() => resolve(got));
      });
    }
  });
}

/** Resolves every request to a free host port, or fails naming the first one that cannot be had. */
export async function execResolvePorts(container: string, reqs: PortRequest[], heldByUs: PublishedPort[]): Promise<PublishedPort[]> {
  const out: PublishedPort[] = [];
  for (const req of reqs) {
    const protocol = req.protocol ?? 'tcp';
    const hostIp = req.hostIp === '0.0.0.0' ? '' : req.hostIp ?? '';
    const held = (p: number) => [...heldByUs, ...out].some((h) => sameBinding(h, { protocol, hostIp, published: p }));
    const cands = planPortCandidates(container, req);
    let got: number | undefined;
    if (cands.length === 0) {
      for (let i = 0; i < 20 && got === undefined; i++) {
        const p = await probePort(protocol, hostIp, 0);
        if (p !== undefined && !held(p)) got = p;
      }
    } else {
      for (const c of cands) {
        if (!held(c) && (await probePort(protocol, hostIp, c)) !== undefined) { got = c; break; }
      }
    }
    if (got === undefined) {
      const spec = `${hostIp || '0.0.0.0'}:${req.published ?? ''}:${req.target}/${protocol}`;
      throw new RuntimeError('E_PORT_IN_USE', `container "${container}": publish ${spec}: host port ${cands.length > 1 ? 'range ' : ''}${req.published ?? '(random)'}/${protocol} is already in use`, {
        hint: 'stop the program using it or publish another host port',
      });
    }
    out.push({ protocol, target: req.target, published: got, hostIp });
  }
  return out;
}
