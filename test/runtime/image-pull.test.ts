/**
 * Pulls against the loopback registry through the real CLI: anonymous, Basic auth from a DOCKER_CONFIG,
 * Bearer tokens (a proxy that demands them and redirects blobs to another port), tampered blobs, a pull
 * killed midway and resumed, and malicious layers. Needs root (layers keep owners and device nodes).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { tscompose, cliPath } from '../helpers/cli.js';
import { startRegistry, pushImage, type Registry } from '../helpers/registry.js';
import { buildImageFromFiles, type BuiltImage } from '../helpers/image-kit.js';
import { startProxy } from './image-proxy.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-image-pull-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

let seq = 0;
function freshRoot(): string {
  const r = path.join(work, `root-${seq++}`);
  fs.mkdirSync(r);
  return r;
}

/** Deterministic incompressible bytes (so the kit's cache key stays stable between runs). */
function noise(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < n; i += 32) {
    block.copy(out, i, 0, Math.min(32, n - i));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

const blobsIn = (root: string) => (fs.existsSync(path.join(root, 'blobs/sha256')) ? fs.readdirSync(path.join(root, 'blobs/sha256')).sort() : []);
const partialsIn = (root: string) => (fs.existsSync(path.join(root, 'tmp')) ? fs.readdirSync(path.join(root, 'tmp')) : []);
const recordsIn = (root: string) => (fs.existsSync(path.join(root, 'images')) ? fs.readdirSync(path.join(root, 'images')).filter((n) => n.endsWith('.json')) : []);
const snapshotsIn = (root: string) => (fs.existsSync(path.join(root, 'snapshots')) ? fs.readdirSync(path.join(root, 'snapshots')).filter((n) => /^[a-f0-9]{64}$/.test(n)) : []);

async function twoLayerImage(): Promise<BuiltImage> {
  return buildImageFromFiles({
    name: 'tscompose-test/two',
    layers: [
      [{ path: '/etc/', type: 'dir' }, { path: '/etc/hostname', content: 'base\n' }, { path: '/data.bin', content: noise('two-base', 200_000) }],
      [{ path: '/etc/', type: 'dir' }, { path: '/etc/hostname', content: 'top\n' }, { path: '/top.txt', content: 'top layer\n' }],
    ],
    config: { Cmd: ['/bin/sh'], Env: ['A=1'] },
  });
}

function expectedBlobs(img: BuiltImage): string[] {
  return [img.manifestDigest, img.configDigest, ...img.layers.map((l) => l.digest)].map((d) => d.slice(7)).sort();
}

let anon: Registry | undefined;
after(() => anon?.stop());
async function anonRegistry(): Promise<Registry> {
  anon ??= await startRegistry();
  return anon;
}

test('anonymous pull stores blobs once, unpacks, records; a second pull only asks for the manifest', { skip: needsRoot, timeout: 120_000 }, async () => {
  const reg = await anonRegistry();
  const img = await twoLayerImage();
  await pushImage(reg, img.layoutDir, 'team/two', 'v1');
  const proxy = await startProxy({ upstream: reg.url });
  try {
    const root = freshRoot();
    const env = { TSCOMPOSE_ROOT: root };
    const r = await tscompose(['image', 'pull', `${proxy.host}/team/two:v1`], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /v1: Pulling from 127\.0\.0\.1:\d+\/team\/two/);
    assert.match(r.stdout, new RegExp(`${img.layers[0]!.digest.slice(7, 19)}: Pull complete`));
    assert.match(r.stdout, new RegExp(`Digest: ${img.manifestDigest}`));
    assert.match(r.stdout, /Status: Downloaded newer image for 127\.0\.0\.1:\d+\/team\/two:v1/);
    assert.deepEqual(blobsIn(root), expectedBlobs(img));
    assert.equal(snapshotsIn(root).length, 2);
    assert.deepEqual(partialsIn(root), []);

    const before = proxy.requests.length;
    const again = await tscompose(['image', 'pull', '-q', `${proxy.host}/team/two:v1`], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `${proxy.host}/team/two:v1\n`);
    assert.deepEqual(proxy.requests.slice(before).filter((x) => x.includes('blob')), [], 'no blob requests when everything is present');

    const ls = await tscompose(['image', 'ls', '--format', 'json'], { env });
    const rows = ls.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(rows.map((x) => [x.Repository, x.Tag, x.ID]), [[`${proxy.host}/team/two`, 'v1', img.configDigest.slice(7, 19)]]);
    const insp = JSON.parse((await tscompose(['image', 'inspect', `${proxy.host}/team/two:v1`], { env })).stdout) as Array<{ Config: { Env: string[] }; RootFS: { Layers: string[] } }>;
    assert.deepEqual(insp[0]!.Config.Env, ['A=1']);
    assert.deepEqual(insp[0]!.RootFS.Layers, img.layers.map((l) => l.diffId));
  } finally {
    await proxy.stop();
  }
});

test('Basic auth from DOCKER_CONFIG works; wrong credentials fail clearly and store nothing', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const reg = await startRegistry({ auth: 'basic' });
  t.after(() => reg.stop());
  const img = await twoLayerImage();
  await pushImage(reg, img.layoutDir, 'private/two', 'latest');
  const cfgDir = path.join(work, `docker-config-${seq++}`);
  fs.mkdirSync(cfgDir);
  const writeCfg = (user: string, pass: string) =>
    fs.writeFileSync(path.join(cfgDir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${user}:${pass}`).toString('base64') } } }));

  writeCfg(reg.username!, 'wrong-password');
  const badRoot = freshRoot();
  const bad = await tscompose(['image', 'pull', `${reg.host}/private/two`], { env: { TSCOMPOSE_ROOT: badRoot, DOCKER_CONFIG: cfgDir } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /pull image "127\.0\.0\.1:\d+\/private\/two:latest": (login refused|access denied)/);
  assert.equal(bad.stderr.trim().split('\n').length, 2, `one message and one hint: ${bad.stderr}`);
  assert.deepEqual(recordsIn(badRoot), []);

  const none = await tscompose(['image', 'pull', `${reg.host}/private/two`], { env: { TSCOMPOSE_ROOT: freshRoot(), DOCKER_CONFIG: path.join(work, 'no-such-dir') } });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /authentication required/);

  writeCfg(reg.username!, reg.password!);
  const root = freshRoot();
  const ok = await tscompose(['image', 'pull', `${reg.host}/private/two`], { env: { TSCOMPOSE_ROOT: root, DOCKER_CONFIG: cfgDir } });
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(blobsIn(root), expectedBlobs(img));
});

test('Bearer token flow: token from the realm with config.json credentials; blobs redirected without the token', { skip: needsRoot, timeout: 120_000 }, async () => {
  const reg = await anonRegistry();
  const img = await twoLayerImage();
  await pushImage(reg, img.layoutDir, 'tok/two', 'latest');
  const proxy = await startProxy({ upstream: reg.url, token: { username: 'alice', password: 's3cret' }, redirectBlobs: true });
  try {
    const cfgDir = path.join(work, `docker-config-${seq++}`);
    fs.mkdirSync(cfgDir);
    fs.writeFileSync(path.join(cfgDir, 'config.json'), JSON.stringify({ auths: { [`http://${proxy.host}/v1/`]: { auth: Buffer.from('alice:nope').toString('base64') } } }));
    const bad = await tscompose(['image', 'pull', `${proxy.host}/tok/two`], { env: { TSCOMPOSE_ROOT: freshRoot(), DOCKER_CONFIG: cfgDir } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /pull image "127\.0\.0\.1:\d+\/tok\/two:latest": login refused by 127\.0\.0\.1:\d+ \(HTTP 401\)/);

    fs.writeFileSync(path.join(cfgDir, 'config.json'), JSON.stringify({ auths: { [`http://${proxy.host}/v1/`]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
    const root = freshRoot();
    const ok = await tscompose(['image', 'pull', `${proxy.host}/tok/two`], { env: { TSCOMPOSE_ROOT: root, DOCKER_CONFIG: cfgDir } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(blobsIn(root), expectedBlobs(img));
    assert.ok(proxy.tokensIssued >= 1 && proxy.tokensIssued <= 2, `tokens cached per scope: ${proxy.tokensIssued}`);
    assert.deepEqual(proxy.cdnAuthHeaders, [], 'no Authorization header sent to the redirect target');
  } finally {
    await proxy.stop();
  }
});

test('a tampered blob fails with a digest error and leaves nothing half-stored', { skip: needsRoot, timeout: 120_000 }, async () => {
  const reg = await anonRegistry();
  const img = await twoLayerImage();
  await pushImage(reg, img.layoutDir, 'tamper/two', 'latest');
  const proxy = await startProxy({ upstream: reg.url, corruptDigest: img.layers[0]!.digest });
  try {
    const root = freshRoot();
    const r = await tscompose(['image', 'pull', `${proxy.host}/tamper/two`], { env: { TSCOMPOSE_ROOT: root } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`pull image "127\\.0\\.0\\.1:\\d+/tamper/two:latest": layer ${img.layers[0]!.digest}: digest mismatch`));
    assert.ok(!blobsIn(root).includes(img.layers[0]!.digest.slice(7)), 'tampered blob not stored');
    assert.deepEqual(partialsIn(root), []);
    assert.deepEqual(recordsIn(root), []);
    assert.ok(!snapshotsIn(root).includes(img.layers[0]!.diffId.slice(7)), 'no snapshot of the tampered layer');
    assert.ok(!fs.readdirSync(path.join(root, 'snapshots')).some((n) => n.startsWith('.tmp-')));
  } finally {
    await proxy.stop();
  }
});

test('killing the CLI mid-pull, then pulling again, completes with each blob stored once (resumed with Range)', { skip: needsRoot, timeout: 180_000 }, async () => {
  const reg = await anonRegistry();
  const img = await buildImageFromFiles({ name: 'tscompose-test/big', files: [{ path: '/big.bin', content: noise('big-layer', 3_000_000) }], compression: 'none' });
  await pushImage(reg, img.layoutDir, 'kill/big', 'latest');
  const proxy = await startProxy({ upstream: reg.url, throttleBytes: 16_384 });
  try {
    const root = freshRoot();
    const child = spawn(cliPath, ['image', 'pull', `${proxy.host}/kill/big`], { env: { ...process.env, TSCOMPOSE_ROOT: root }, stdio: 'ignore' });
    const partial = path.join(root, 'tmp', `${img.layers[0]!.digest.slice(7)}.partial`);
    const deadline = Date.now() + 60_000;
    while (!(fs.existsSync(partial) && fs.statSync(partial).size > 100_000)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('pull did not start writing the layer in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const kept = fs.statSync(partial).size;
    assert.ok(kept > 0 && kept < img.layers[0]!.size);
    proxy.setThrottle(0);
    const again = await tscompose(['image', 'pull', `${proxy.host}/kill/big`], { env: { TSCOMPOSE_ROOT: root } });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(proxy.ranges.some((r) => /^bytes=\d+-$/.test(r) && Number(/\d+/.exec(r)![0]) > 0), `resumed with Range: ${proxy.ranges.join(',')}`);
    assert.deepEqual(blobsIn(root), expectedBlobs(img));
    assert.deepEqual(partialsIn(root), []);
    assert.equal(createHash('sha256').update(fs.readFileSync(path.join(root, 'blobs/sha256', img.layers[0]!.digest.slice(7)))).digest('hex'), img.layers[0]!.digest.slice(7));
  } finally {
    await proxy.stop();
  }
});

test('a malicious layer from a registry fails, writes nothing outside and records nothing', { skip: needsRoot, timeout: 120_000 }, async () => {
  const reg = await anonRegistry();
  const outside = path.join(work, 'outside');
  fs.mkdirSync(outside, { recursive: true });
  const img = await buildImageFromFiles({
    name: 'tscompose-test/evil',
    files: [{ path: 'escape', type: 'symlink', target: outside }, { path: 'escape/pwned', content: 'x' }],
    keepOrder: true,
  });
  await pushImage(reg, img.layoutDir, 'evil/img', 'latest');
  const root = freshRoot();
  const r = await tscompose(['image', 'pull', `${reg.host}/evil/img`], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /pull image "127\.0\.0\.1:\d+\/evil\/img:latest": layer sha256:[a-f0-9]{64}: refusing entry "escape\/pwned": parent "escape" is a symlink/);
  assert.deepEqual(fs.readdirSync(outside), []);
  assert.deepEqual(recordsIn(root), []);
  assert.deepEqual(snapshotsIn(root), []);
});

test('bad references and unknown tags are one clear line, exit 1', { skip: needsRoot, timeout: 60_000 }, async () => {
  const reg = await anonRegistry();
  const root = freshRoot();
  const unknown = await tscompose(['image', 'pull', `${reg.host}/nope/nothing:v9`], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^pull image "127\.0\.0\.1:\d+\/nope\/nothing:v9": not found on 127\.0\.0\.1:\d+/);
  const bad = await tscompose(['image', 'pull', 'library/Upper'], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'invalid image reference "library/Upper": repository name must be lowercase\n');
  assert.deepEqual(recordsIn(root), []);
});
