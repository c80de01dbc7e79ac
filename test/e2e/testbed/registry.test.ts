/**
 * The loopback registry: Debian's docker-registry on a free 127.0.0.1 port. An image pushed with the
 * test bed's raw-HTTP pusher reads back over raw HTTP with matching digests and sizes; the Basic-auth
 * variant refuses anonymous requests and accepts its credentials; stop() leaves nothing behind.
 * Needs no root (but docker-registry and apache2-utils installed).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildImage } from '../../helpers/image-kit.js';
import { leakGuard } from '../../helpers/leak-check.js';
import { authHeaders, pushImage, registryConfig, startRegistry, type Registry } from '../../helpers/registry.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

test('registryConfig listens on loopback only, logs errors, and adds htpasswd auth when asked', () => {
  const plain = JSON.parse(registryConfig({ port: 5123, storageDir: '/tmp/x/storage' }));
  assert.equal(plain.http.addr, '127.0.0.1:5123');
  assert.equal(plain.storage.filesystem.rootdirectory, '/tmp/x/storage');
  assert.equal(plain.log.level, 'error');
  assert.equal(plain.auth, undefined);
  assert.equal(plain.proxy, undefined);
  const auth = JSON.parse(registryConfig({ port: 5123, storageDir: '/s', htpasswdPath: '/tmp/x/htpasswd' }));
  assert.deepEqual(auth.auth, { htpasswd: { realm: 'tscompose-test', path: '/tmp/x/htpasswd' } });
});

test('push busybox, then GET its manifest and blobs over raw HTTP: digests and sizes match', { timeout: 120_000 }, async (t) => {
  const image = await buildImage('busybox');
  let reg: Registry | undefined;
  // Other tests may run on this host at the same time: judge only this registry's own leftovers.
  const guard = await leakGuard({ exclusive: false, only: (e) => reg !== undefined && (e.includes(reg.dir) || e.startsWith(`process ${reg.pid} `)) });
  t.after(() => guard.check());
  const t0 = performance.now();
  reg = await startRegistry();
  t.diagnostic(`registry ready in ${(performance.now() - t0).toFixed(0)} ms on ${reg.host}`);
  guard.defer(() => reg!.stop());
  assert.match(reg.host, /^127\.0\.0\.1:\d+$/);

  const pushed = await pushImage(reg, image.layoutDir, 'testbed/busybox', 'latest');
  assert.equal(pushed.manifestDigest, image.manifestDigest);
  assert.deepEqual(pushed.uploaded.sort(), [image.configDigest, ...image.layers.map((l) => l.digest)].sort());

  const m = await get(`${reg.url}/v2/testbed/busybox/manifests/latest`, { accept: OCI_MANIFEST });
  assert.equal(m.status, 200);
  assert.equal(sha(m.body), image.manifestDigest);
  assert.equal(m.headers.get('docker-content-digest'), image.manifestDigest);
  assert.equal(m.headers.get('content-type'), OCI_MANIFEST);
  const local = readFileSync(path.join(image.layoutDir, 'blobs/sha256', image.manifestDigest.slice(7)));
  assert.equal(m.body.length, local.length);
  const manifest = JSON.parse(m.body.toString());

  for (const desc of [manifest.config, ...manifest.layers]) {
    const b = await get(`${reg.url}/v2/testbed/busybox/blobs/${desc.digest}`);
    assert.equal(b.status, 200, `GET blob ${desc.digest}`);
    assert.equal(sha(b.body), desc.digest);
    assert.equal(b.body.length, desc.size);
  }
  const byDigest = await get(`${reg.url}/v2/testbed/busybox/manifests/${image.manifestDigest}`, { accept: OCI_MANIFEST });
  assert.equal(sha(byDigest.body), image.manifestDigest);

  // A second push finds every blob already there.
  const again = await pushImage(reg, image.layoutDir, 'testbed/busybox', 'latest');
  assert.deepEqual(again.uploaded, []);
  assert.equal(again.skipped.length, 1 + image.layers.length);

  // A blob that was never pushed is unknown.
  const missing = await get(`${reg.url}/v2/testbed/busybox/blobs/sha256:${'0'.repeat(64)}`);
  assert.equal(missing.status, 404);

  await reg.stop();
  assert.equal(existsSync(reg.dir), false, 'stop() removes the registry dir');
  assert.throws(() => process.kill(reg.pid, 0), /ESRCH/);
  await assert.rejects(fetch(`${reg.url}/v2/`, { signal: AbortSignal.timeout(5000) }));
});

test('basic-auth registry refuses anonymous and wrong credentials and serves the right ones', { timeout: 120_000 }, async (t) => {
  const image = await buildImage('busybox');
  let started: Registry | undefined;
  const guard = await leakGuard({ exclusive: false, only: (e) => started !== undefined && (e.includes(started.dir) || e.startsWith(`process ${started.pid} `)) });
  t.after(() => guard.check());
  const reg = (started = await startRegistry({ auth: 'basic' }));
  guard.defer(() => reg.stop());
  assert.ok(reg.username && reg.password);

  const anon = await get(`${reg.url}/v2/`);
  assert.equal(anon.status, 401);
  assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic realm="tscompose-test"/);
  await assert.rejects(pushImage({ url: reg.url }, image.layoutDir, 'private/busybox', 'v1'), /HTTP 401/);
  const wrong = await get(`${reg.url}/v2/`, authHeaders({ username: reg.username, password: `${reg.password}x` }));
  assert.equal(wrong.status, 401);

  await pushImage(reg, image.layoutDir, 'private/busybox', 'v1');
  const url = `${reg.url}/v2/private/busybox/manifests/v1`;
  assert.equal((await get(url, { accept: OCI_MANIFEST })).status, 401);
  const ok = await get(url, { accept: OCI_MANIFEST, ...authHeaders(reg) });
  assert.equal(ok.status, 200);
  assert.equal(sha(ok.body), image.manifestDigest);
  const layer = image.layers[0]!;
  assert.equal((await get(`${reg.url}/v2/private/busybox/blobs/${layer.digest}`)).status, 401);
  const b = await get(`${reg.url}/v2/private/busybox/blobs/${layer.digest}`, authHeaders(reg));
  assert.equal(sha(b.body), layer.digest);
  assert.equal(b.body.length, layer.size);
});
