/**
 * A loopback HTTP proxy in front of the test registry, for the pull tests: it can demand Bearer tokens
 * (and serve the token endpoint itself), redirect blob GETs to a second "CDN" port that must never see an
 * Authorization header, corrupt one blob, or trickle blob bodies so a pull can be killed midway.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** upstream registry, e.g. http://127.0.0.1:5000 */
  upstream: string;
  /** demand Bearer tokens issued (for these Basic credentials) by our /token endpoint */
  token?: { username: string; password: string };
  /** redirect blob GETs to a second port */
  redirectBlobs?: boolean;
  /** flip one byte in the middle of this blob's body */
  corruptDigest?: string;
  /** bytes per 50 ms for blob bodies (0: full speed) */
  throttleBytes?: number;
}

export interface Proxy {
  host: string;
  url: string;
  /** Authorization headers the CDN port saw (must stay empty) */
  cdnAuthHeaders: string[];
  /** Range headers seen on blob GETs */
  ranges: string[];
  tokensIssued: number;
  /** requests by method+path kind, for asserting HEAD/GET use */
  requests: string[];
  setThrottle(bytesPer50ms: number): void;
  stop(): Promise<void>;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startProxy(o: ProxyOptions): Promise<Proxy> {
  const tokens = new Set<string>();
  let throttle = o.throttleBytes ?? 0;
  const sockets = new Set<import('node:net').Socket>();
  const state = { cdnAuthHeaders: [] as string[], ranges: [] as string[], tokensIssued: 0, requests: [] as string[] };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, isBlobBody: boolean) => {
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const up = http.request(`${o.upstream}${req.url}`, { method: req.method, headers }, (ur) => {
      const h = { ...ur.headers };
      if (ur.headers.location) h.location = ur.headers.location.replace(o.upstream, proxyUrl);
      res.writeHead(ur.statusCode ?? 502, h);
      const digest = /\/blobs\/(sha256:[a-f0-9]{64})/.exec(req.url ?? '')?.[1];
      if (!isBlobBody || req.method !== 'GET') {
        ur.pipe(res);
        return;
      }
      let offset = 0;
      const corrupt = digest === o.corruptDigest;
      const mid = Number(ur.headers['content-length'] ?? 0) >> 1;
      ur.on('data', (chunk: Buffer) => {
        if (corrupt && offset <= mid && mid < offset + chunk.length) {
          chunk = Buffer.from(chunk);
          chunk[mid - offset] ^= 0xff;
        }
        offset += chunk.length;
        if (throttle > 0) {
          ur.pause();
          let i = 0;
          const step = () => {
            if (res.destroyed) return ur.destroy();
            if (i >= chunk.length) return ur.resume();
            res.write(chunk.subarray(i, i + throttle));
            i += throttle;
            setTimeout(step, 50);
          };
          step();
        } else res.write(chunk);
      });
      ur.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  };

  const cdn = http.createServer((req, res) => {
    if (req.headers.authorization) state.cdnAuthHeaders.push(req.headers.authorization);
    if (req.headers.range) state.ranges.push(req.headers.range);
    forward(req, res, true);
  });
  const cdnPort = await listen(cdn);

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const kind = /\/blobs\/uploads/.test(url) ? 'upload' : /\/blobs\//.test(url) ? 'blob' : /\/manifests\//.test(url) ? 'manifest' : url.startsWith('/token') ? 'token' : 'other';
    state.requests.push(`${req.method} ${kind}`);
    if (o.token && url.startsWith('/token')) {
      const want = `Basic ${Buffer.from(`${o.token.username}:${o.token.password}`).toString('base64')}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"details":"incorrect username or password"}');
        return;
      }
      const t = randomBytes(16).toString('hex');
      tokens.add(t);
      state.tokensIssued++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: t, expires_in: 300 }));
      return;
    }
    if (o.token) {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) {
        const repo = /^\/v2\/(.+?)\/(manifests|blobs)\//.exec(url)?.[1];
        res.writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': `Bearer realm="${proxyUrl}/token",service="tscompose-test"${repo ? `,scope="repository:${repo}:pull"` : ''}`,
        });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
    }
    if (kind === 'blob' && req.method === 'GET' && o.redirectBlobs) {
      res.writeHead(307, { location: `http://127.0.0.1:${cdnPort}${url}` });
      res.end();
      return;
    }
    if (kind === 'blob' && req.headers.range) state.ranges.push(req.headers.range);
    forward(req, res, kind === 'blob');
  });
  for (const s of [server, cdn]) s.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  const port = await listen(server);
  const proxyUrl = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: proxyUrl,
    get cdnAuthHeaders() { return state.cdnAuthHeaders; },
    get ranges() { return state.ranges; },
    get tokensIssued() { return state.tokensIssued; },
    get requests() { return state.requests; },
    setThrottle(b: number) { throttle = b; },
    async stop() {
      for (const c of sockets) c.destroy();
      await Promise.all([server, cdn].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
