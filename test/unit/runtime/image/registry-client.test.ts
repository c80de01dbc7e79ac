import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseChallenge } from '../../../../runtime/image/auth.js';
import { isInsecureRegistry, RegistryClient } from '../../../../runtime/image/registry-client.js';
import { lookupCredentials, planAuthsLookup, authKeyHost } from '../../../../runtime/image/credentials.js';

test('WWW-Authenticate challenges parse with quoted and bare params', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"'), {
    scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/redis:pull' },
  });
  assert.deepEqual(parseChallenge('Basic realm="x y"'), { scheme: 'basic', params: { realm: 'x y' } });
  assert.deepEqual(parseChallenge('Bearer realm=https://a/t, service=reg'), { scheme: 'bearer', params: { realm: 'https://a/t', service: 'reg' } });
});

test('plain HTTP only for loopback and configured registries', () => {
  assert.ok(isInsecureRegistry('127.0.0.1:5000', {}));
  assert.ok(isInsecureRegistry('127.1.2.3', {}));
  assert.ok(isInsecureRegistry('localhost:5000', {}));
  assert.ok(isInsecureRegistry('[::1]:5000', {}));
  assert.ok(!isInsecureRegistry('docker.io', {}));
  assert.ok(!isInsecureRegistry('10.0.0.1:5000', {}));
  assert.ok(isInsecureRegistry('10.0.0.1:5000', { TSCOMPOSE_INSECURE_REGISTRIES: 'foo, 10.0.0.1:5000' }));
  assert.ok(isInsecureRegistry('reg.lan:443', { TSCOMPOSE_INSECURE_REGISTRIES: 'reg.lan' }));
  assert.equal(new RegistryClient('docker.io', { credentials: null }).base, 'https://registry-1.docker.io');
  assert.equal(new RegistryClient('localhost:5000', { credentials: null }).base, 'http://localhost:5000');
});

test('config.json auths: host keys in any form, docker hub aliases, identity tokens', () => {
  const b = (s: string) => Buffer.from(s).toString('base64');
  const cfg = { auths: { 'https://index.docker.io/v1/': { auth: b('hub:pw') }, 'http://reg.lan:5000/v1/': { auth: b('u:p:with:colons') }, 'tok.io': { identitytoken: 'refresh' } } };
  assert.deepEqual(planAuthsLookup(cfg, 'docker.io', 'f'), { username: 'hub', password: 'pw' });
  assert.deepEqual(planAuthsLookup(cfg, 'reg.lan:5000', 'f'), { username: 'u', password: 'p:with:colons' });
  assert.deepEqual(planAuthsLookup(cfg, 'tok.io', 'f'), { identityToken: 'refresh' });
  assert.equal(planAuthsLookup(cfg, 'other.io', 'f'), undefined);
  assert.throws(() => planAuthsLookup({ auths: { x: { auth: b('nocolon') } } }, 'x', '/c.json'), /\/c\.json: auths\["x"\]\.auth is not base64 of user:password/);
  assert.equal(authKeyHost('https://a.b:1/v2/'), 'a.b:1');
});

test('credential helpers are run as docker-credential-<name> get', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-creds-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker-credential-fake'), '#!/bin/sh\nread host\necho "{\\"Username\\":\\"helper-$host\\",\\"Secret\\":\\"s\\"}"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'reg.lan': 'fake' }, credsStore: 'fake', auths: { 'inline.io': { auth: Buffer.from('i:j').toString('base64') } } }));
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` };
    const saved = process.env.PATH;
    process.env.PATH = env.PATH;
    try {
      assert.deepEqual(lookupCredentials('reg.lan', env), { username: 'helper-reg.lan', password: 's' });
      assert.deepEqual(lookupCredentials('inline.io', env), { username: 'i', password: 'j' });
      assert.deepEqual(lookupCredentials('store.io', env), { username: 'helper-store.io', password: 's' });
    } finally {
      process.env.PATH = saved;
    }
    assert.equal(lookupCredentials('x.io', { DOCKER_CONFIG: path.join(dir, 'missing') }), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

type Call = { url: string; auth: string | undefined; method: string };
function fakeFetch(routes: (url: URL, init: RequestInit, calls: Call[]) => Response): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const f = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ url: url.toString(), auth: headers.authorization, method: init.method ?? 'GET' });
    return routes(url, init, calls);
  }) as typeof fetch;
  return { fetch: f, calls };
}

test('Bearer flow: challenge, token with Basic creds, cached per scope; redirects drop the token', async () => {
  const { fetch: f, calls } = fakeFetch((url, init) => {
    const auth = ((init.headers ?? {}) as Record<string, string>).authorization;
    if (url.host === 'auth.example') {
      assert.equal(auth, `Basic ${Buffer.from('me:pw').toString('base64')}`);
      assert.equal(url.searchParams.get('scope'), 'repository:team/app:pull');
      assert.equal(url.searchParams.get('service'), 'reg');
      return Response.json({ token: 'T1', expires_in: 300 });
    }
    if (url.host === 'cdn.example') return new Response('blob-bytes');
    if (auth !== 'Bearer T1') return new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull"' } });
    if (url.pathname.includes('/blobs/')) return new Response(null, { status: 307, headers: { location: 'https://cdn.example/x?sig=1' } });
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  });
  const c = new RegistryClient('reg.example', { fetch: f, credentials: { username: 'me', password: 'pw' } });
  await c.getManifest('team/app', 'v1', 'pull image "x"');
  await c.getManifest('team/app', 'v2', 'pull image "x"');
  const res = await c.getBlob('team/app', `sha256:${'a'.repeat(64)}`, 0, 'pull image "x"');
  assert.equal(await res.text(), 'blob-bytes');
  assert.equal(calls.filter((x) => x.url.startsWith('https://auth.example')).length, 1, 'one token for the scope');
  const cdn = calls.find((x) => x.url.startsWith('https://cdn.example'))!;
  assert.equal(cdn.auth, undefined, 'no Authorization on the redirect target');
});

test('Basic challenge uses config credentials; refused login is a clear error', async () => {
  const good = `Basic ${Buffer.from('u:p').toString('base64')}`;
  const { fetch: f } = fakeFetch((_url, init) => {
    const auth = ((init.headers ?? {}) as Record<string, string>).authorization;
    return auth === good ? new Response('{}') : new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } });
  });
  await new RegistryClient('basic.example', { fetch: f, credentials: { username: 'u', password: 'p' } }).getManifest('a', 'b', 'pull image "a"');
  await assert.rejects(new RegistryClient('basic.example', { fetch: f, credentials: { username: 'u', password: 'bad' } }).getManifest('a', 'b', 'pull image "a"'), /pull image "a": access denied by basic\.example \(HTTP 401\)/);
  await assert.rejects(new RegistryClient('basic.example', { fetch: f, credentials: null }).getManifest('a', 'b', 'pull image "a"'), /pull image "a": authentication required by basic\.example/);
});

test('transient 503s are retried; 404 is "not found"', async () => {
  let n = 0;
  const { fetch: f } = fakeFetch((url) => {
    if (url.pathname.endsWith('/flaky')) return ++n < 3 ? new Response('', { status: 503 }) : new Response('{}');
    return Response.json({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }, { status: 404 });
  });
  const c = new RegistryClient('r.example', { fetch: f, credentials: null });
  await c.getManifest('a', 'flaky', 'x');
  assert.equal(n, 3);
  await assert.rejects(c.getManifest('a', 'missing', 'pull image "a:missing"'), (e: Error & { code?: string }) => e.code === 'E_IMAGE_NOT_FOUND' && /pull image "a:missing": not found on r\.example \(MANIFEST_UNKNOWN: manifest unknown\)/.test(e.message));
});
