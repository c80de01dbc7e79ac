/**
 * Registry authentication: parses WWW-Authenticate challenges, fetches Bearer tokens from the realm (with
 * Basic credentials when there are some) and caches them per registry and scope until they expire.
 */
import { RuntimeError } from '../errors.js';
import type { Credentials } from './credentials.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Pure: `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"` → scheme + params. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!))) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

interface CachedToken {
  token: string;
  expires: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    return t && t.expires > Date.now() ? t.token : undefined;
  }

  set(key: string, token: string, ttlSeconds: number): void {
    // Renew a little early so a token never expires in flight.
    this.tokens.set(key, { token, expires: Date.now() + Math.max(10, ttlSeconds - 10) * 1000 });
  }
}

/** Fetches a Bearer token for `scope` from the challenge's realm. `what` names the image in errors. */
export async function fetchToken(ch: Challenge, scope: string, creds: Credentials | undefined, what: string, fetchFn: typeof fetch = fetch): Promise<{ token: string; ttl: number }> {
  const realm = ch.params.realm;
  if (!realm) throw new RuntimeError('E_REGISTRY_AUTH', `${what}: the registry's Bearer challenge has no realm`);
  const url = new URL(realm);
  if (ch.params.service) url.searchParams.set('service', ch.params.service);
  if (scope) url.searchParams.set('scope', scope);
  let res: Response;
  if (creds?.identityToken) {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, service: ch.params.service ?? '', scope, client_id: 'tscompose' });
    res = await fetchFn(realm, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  } else {
    const headers: Record<string, string> = {};
    if (creds?.username !== undefined) headers.authorization = basicHeader(creds);
    res = await fetchFn(url, { headers });
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new RuntimeError('E_REGISTRY_AUTH', `${what}: ${creds ? 'login refused by' : 'authentication required by'} ${url.host} (HTTP ${res.status})`, {
      hint: creds ? 'check the credentials in your docker config.json (docker login)' : 'log in first: docker login (tscompose reads its config.json)',
    });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new RuntimeError('E_REGISTRY_AUTH', `${what}: token request to ${url.host} failed: HTTP ${res.status}`);
  }
  const j = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
  const token = j.token ?? j.access_token;
  if (!token) throw new RuntimeError('E_REGISTRY_AUTH', `${what}: token response from ${url.host} has no token`);
  return { token, ttl: j.expires_in ?? 60 };
}
