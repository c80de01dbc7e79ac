/**
 * A fetch-shaped GET on node:http/https whose body is a Node stream of Buffers. Used for blob bodies, where
 * undici's web streams cost a copy and a promise per chunk (measured: about a quarter of the pull's CPU).
 * Only what RegistryClient.request uses is provided; redirects are never followed here (the client does it).
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * The response headers as the client reads them (get/has). Not the global Headers: touching that class
 * loads undici (~25 ms at start-up), which this transport exists to avoid.
 */
class NodeHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}

class NodeBody {
  constructor(private readonly msg: IncomingMessage) {}
  async cancel(): Promise<void> {
    this.msg.destroy();
  }
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.msg[Symbol.asyncIterator]();
  }
}

async function collect(msg: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of msg) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Same call shape as fetch for the subset the registry client uses. */
export const nodeFetch = ((input: string | URL, init: RequestInit = {}) =>
  new Promise((resolve, reject) => {
    const url = new URL(String(input));
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: init.method ?? 'GET', headers: init.headers as Record<string, string>, agent: url.protocol === 'https:' ? agents.https : agents.http }, (msg) => {
      const headers = new NodeHeaders(msg.headers);
      const status = msg.statusCode ?? 0;
      // A HEAD answer has no body and its caller reads none: drain it so the keep-alive socket returns to
      // the agent (an unread response keeps its socket, and so the process, alive).
      if (init.method === 'HEAD') msg.resume();
      resolve({
        status,
        ok: status >= 200 && status < 300,
        headers,
        body: new NodeBody(msg),
        json: async () => JSON.parse((await collect(msg)).toString()),
        text: async () => (await collect(msg)).toString(),
        arrayBuffer: async () => {
          const b = await collect(msg);
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
        },
      } as unknown as Response);
    });
    req.on('error', (e) => reject(Object.assign(new TypeError('fetch failed'), { cause: e })));
    if (init.body !== undefined && init.body !== null) {
      reject(new TypeError('nodeFetch: request bodies are not supported'));
      req.destroy();
      return;
    }
    req.end();
  })) as typeof fetch;

/**
 * The client's default transport: requests with a body (blob uploads, token POSTs) go to fetch, all others
 * to nodeFetch. The first fetch() of a process loads undici and compiles its llhttp wasm, and V8 then holds
 * process exit ~100 ms for that compile: measured ~220 ms wall for one GET against ~45 ms on node:http,
 * which is the whole budget of a pull whose layers are all present.
 */
export const registryFetch = ((input: string | URL, init?: RequestInit) =>
  init?.body !== undefined && init.body !== null ? fetch(input, init) : nodeFetch(input, init)) as typeof fetch;
