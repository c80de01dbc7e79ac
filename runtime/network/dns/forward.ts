/**
 * Forwards a query the network does not know to the host's resolvers, one after the other, each with a
 * short timeout: a container must not hang on a host whose upstream DNS is slow or missing.
 */
import dgram from 'node:dgram';

export function execForwardQuery(query: Buffer, upstreams: string[], perServerMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    if (upstreams.length === 0) return resolve(undefined);
    const sock = dgram.createSocket('udp4');
    const id = query.readUInt16BE(0);
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (b: Buffer | undefined) => {
      if (timer) clearTimeout(timer);
      try { sock.close(); } catch { /* closed */ }
      resolve(b);
    };
    const next = () => {
      if (i >= upstreams.length) return done(undefined);
      const server = upstreams[i++]!;
      sock.send(query, 53, server, (e) => { if (e) next(); });
      timer = setTimeout(next, perServerMs);
    };
    sock.on('message', (msg) => { if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(msg); });
    sock.on('error', () => done(undefined));
    next();
  });
}
