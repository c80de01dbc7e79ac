/**
 * A Distribution API v2 client on Node's fetch. It answers auth challenges (Bearer with per-scope token
 * cache, or Basic), uses plain HTTP only for loopback and configured-insecure registries, follows redirects
 * by hand so an Authorization header never reaches another host, and retries transient failures.
 */
import { RuntimeError } from '../errors.js';
import { fetchToken, parseChallenge, basicHeader, TokenCache } from './auth.js';
import { lookupCredentials, type Credentials } from './credentials.js';
import { registryHost } from './reference.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { nodeFetch, registryFetch } from './http-transport.js';

export interface ClientOptions {
  env?: Record<string, string | undefined>;
  /** test seam */
  fetch?: typeof fetch;
  credentials?: Credentials | null;
}

/** Pure: loopback hosts and TSCOMPOSE_INSECURE_REGISTRIES entries use plain HTTP. */
export function isInsecureRegistry(domain: string, env: Record<string, string | undefined>): boolean {
  const host = domain.startsWith('[') ? domain.slice(1, domain.indexOf(']')) : domain.replace(/:\d+$/, '');
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  const list = (env.TSCOMPOSE_INSECURE_REGISTRIES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return list.includes(domain) || list.includes(host);
}

const tokens = new TokenCache();


export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  /** token scope: repository:<path>:pull */
  scope: string;
  /** names the image in errors */
  what: string;
  /** statuses returned to the caller instead of thrown */
  accept?: number[];
  /** body-less GETs of big bodies go through node:http (see http-transport.ts) */
  nodeTransport?: boolean;
  duplex?: 'half';
}

function transient(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

export class RegistryClient {
  readonly domain: string;
  readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly bulkFetchFn: typeof fetch;
  private readonly creds: Credentials | undefined;
  private basicMode = false;

  constructor(domain: string, opts: ClientOptions = {}) {
    const env = opts.env ?? process.env;
    this.domain = domain;
    const scheme = isInsecureRegistry(domain, env) ? 'http' : 'https';
    this.base = `${scheme}://${registryHost(domain)}`;
    this.fetchFn = opts.fetch ?? registryFetch;
    this.bulkFetchFn = opts.fetch ?? nodeFetch;
    this.creds = opts.credentials === null ? undefined : opts.credentials ?? lookupCredentials(domain, env);
  }

  private tokenKey(scope: string): string {
    return `${this.base}|${scope}|${this.creds?.username ?? ''}`;
  }

  private authFor(scope: string): string | undefined {
    if (this.basicMode && this.creds) return basicHeader(this.creds);
    const t = tokens.get(this.tokenKey(scope));
    return t ? `Bearer ${t}` : undefined;
  }

  private async answerChallenge(res: Response, scope: string, what: string): Promise<void> {
    const ch = parseChallenge(res.headers.get('www-authenticate') ?? '');
    await res.body?.cancel();
    if (ch?.scheme === 'bearer') {
      const { token, ttl } = await fetchToken(ch, ch.params.scope && !scope ? ch.params.scope : scope, this.creds, what, this.fetchFn);
      tokens.set(this.tokenKey(scope), token, ttl);
      return;
    }
    if (ch?.scheme === 'basic') {
      if (!this.creds || this.basicMode) {
        throw new RuntimeError('E_REGISTRY_AUTH', `${what}: ${this.creds ? 'login refused by' : 'authentication required by'} ${this.domain}`, {
          hint: this.creds ? 'check the credentials in your docker config.json (docker login)' : `log in first: docker login ${this.domain}`,
        });
      }
      this.basicMode = true;
      return;
    }
    throw new RuntimeError('E_REGISTRY_AUTH', `${what}: ${this.domain} refused the request (HTTP 401) without a usable challenge`);
  }

  /** One request with auth, manual redirects and retries on transient failures. */
  async request(path: string, o: RequestOptions): Promise<Response> {
    let url = path.startsWith('http') ? path : `${this.base}${path}`;
    let challenged = false;
    let attempt = 0;
    for (let hops = 0; hops < 10; hops++) {
      const sameHost = new URL(url).host === new URL(this.base).host;
      const headers: Record<string, string> = { ...o.headers };
      const auth = sameHost ? this.authFor(o.scope) : undefined;
      if (auth) headers.authorization = auth;
      let res: Response;
      try {
        res = await (o.nodeTransport ? this.bulkFetchFn : this.fetchFn)(url, { method: o.method ?? 'GET', headers, body: o.body ?? null, redirect: 'manual', ...(o.duplex ? { duplex: o.duplex } : {}) } as RequestInit);
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        if (attempt < 3 && !o.body) {
          attempt++;
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
          hops--;
          continue;
        }
        throw new RuntimeError('E_REGISTRY_UNREACHABLE', `${o.what}: cannot reach ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, {
          hint: isInsecureRegistry(this.domain, process.env) ? undefined : `if ${this.domain} serves plain HTTP, add it to TSCOMPOSE_INSECURE_REGISTRIES`,
        });
      }
      if (res.status === 401 && sameHost && !challenged) {
        challenged = true;
        await this.answerChallenge(res, o.scope, o.what);
        hops--;
        continue;
      }
      if ([301, 302, 303, 307, 308].includes(res.status)) {
        const loc = res.headers.get('location');
        await res.body?.cancel();
        if (!loc) throw new RuntimeError('E_REGISTRY', `${o.what}: redirect without Location from ${new URL(url).host}`);
        url = new URL(loc, url).toString();
        continue;
      }
      if (transient(res.status) && attempt < 3 && !o.body) {
        attempt++;
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        hops--;
        continue;
      }
      if (res.ok || o.accept?.includes(res.status)) return res;
      throw await this.errorFor(res, o.what);
    }
    throw new RuntimeError('E_REGISTRY', `${o.what}: too many redirects`);
  }

  private async errorFor(res: Response, what: string): Promise<RuntimeError> {
    let detail = '';
    try {
      const j = (await res.json()) as { errors?: Array<{ code?: string; message?: string }> };
      detail = (j.errors ?? []).map((e) => `${e.code ?? ''}${e.message ? `: ${e.message}` : ''}`).join('; ');
    } catch {
      // not JSON: the status says enough
    }
    if (res.status === 401 || res.status === 403) {
      return new RuntimeError('E_REGISTRY_AUTH', `${what}: access denied by ${this.domain} (HTTP ${res.status}${detail ? `, ${detail}` : ''})`, {
        hint: this.creds ? 'check the credentials in your docker config.json' : 'the repository may not exist or may require docker login',
      });
    }
    if (res.status === 404) return new RuntimeError('E_IMAGE_NOT_FOUND', `${what}: not found on ${this.domain}${detail ? ` (${detail})` : ''}`);
    return new RuntimeError('E_REGISTRY', `${what}: HTTP ${res.status} from ${this.domain}${detail ? ` (${detail})` : ''}`);
  }

  static pullScope(repo: string): string {
    return `repository:${repo}:pull`;
  }

  static pushScope(repo: string): string {
    return `repository:${repo}:pull,push`;
  }

  /** GET a manifest by tag or digest; returns its bytes and content type. */
  async getManifest(repo: string, reference: string, what: string): Promise<{ body: Buffer; contentType: string }> {
    const res = await this.request(`/v2/${repo}/manifests/${reference}`, { scope: RegistryClient.pullScope(repo), what, headers: { accept: MANIFEST_ACCEPT } });
    const body = Buffer.from(await res.arrayBuffer());
    return { body, contentType: res.headers.get('content-type') ?? '' };
  }

  /** GET a blob from an offset (Range), returning the response (200 or 206). */
  async getBlob(repo: string, digest: string, offset: number, what: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (offset > 0) headers.range = `bytes=${offset}-`;
    return this.request(`/v2/${repo}/blobs/${digest}`, { scope: RegistryClient.pullScope(repo), what, headers, accept: [416], nodeTransport: true });
  }

  /** HEAD a blob: true when the registry has it (push skips those). */
  async hasBlob(repo: string, digest: string, what: string, scope = RegistryClient.pullScope(repo)): Promise<boolean> {
    const res = await this.request(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD', scope, what, accept: [404] });
    return res.status !== 404;
  }
}
