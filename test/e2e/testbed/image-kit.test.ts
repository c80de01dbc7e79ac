/**
 * The image kit writes real, self-consistent OCI images and docker archives, reproducibly, and reuses
 * its cache. Building needs no root, so these tests run as any user (they need busybox-static,
 * redis-server and redis-tools installed); only the last one, which runs the images in a chroot, needs root.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildImage, buildImageFromFiles, type BuiltImage } from '../../helpers/image-kit.js';
import { parseLdd, parseAppletList } from '../../helpers/image-recipes.js';
import { readTar, isGzip, type TarEntry } from '../../helpers/tar-read.js';
import { eventually } from '../../helpers/e2e.js';
import { findFreePort } from '../../helpers/registry.js';
import { needsRoot } from '../../helpers/root.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blob = (img: BuiltImage, digest: string) => readFileSync(path.join(img.layoutDir, 'blobs', 'sha256', digest.slice(7)));

function tempCache(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsc-imgcache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Everything a reader of the layout and the archive relies on, checked from the bytes. */
async function checkConsistent(img: BuiltImage): Promise<{ config: any; layerTars: Buffer[] }> {
  const blobsDir = path.join(img.layoutDir, 'blobs', 'sha256');
  for (const f of readdirSync(blobsDir)) assert.equal(sha(readFileSync(path.join(blobsDir, f))), `sha256:${f}`, `blob ${f} is named by its digest`);
  assert.deepEqual(JSON.parse(readFileSync(path.join(img.layoutDir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });

  const index = JSON.parse(readFileSync(path.join(img.layoutDir, 'index.json'), 'utf8'));
  assert.equal(index.manifests.length, 1);
  const desc = index.manifests[0];
  assert.equal(desc.digest, img.manifestDigest);
  const manifestBytes = blob(img, desc.digest);
  assert.equal(manifestBytes.length, desc.size);
  const manifest = JSON.parse(manifestBytes.toString());
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.mediaType, desc.mediaType);
  assert.equal(manifest.config.digest, img.configDigest);
  assert.equal(blob(img, manifest.config.digest).length, manifest.config.size);
  assert.deepEqual(manifest.layers.map((l: any) => [l.digest, l.size]), img.layers.map((l) => [l.digest, l.size]));
  const config = JSON.parse(blob(img, img.configDigest).toString());
  const layerTars: Buffer[] = [];
  for (const [i, l] of manifest.layers.entries()) {
    const b = blob(img, l.digest);
    assert.equal(b.length, l.size, `layer ${i} size`);
    const raw = isGzip(b) ? gunzipSync(b) : b;
    assert.equal(l.mediaType.includes('gzip'), isGzip(b), `layer ${i} media type says ${l.mediaType}`);
    assert.equal(sha(raw), config.rootfs.diff_ids[i], `diff_id ${i} is the sha256 of the uncompressed layer`);
    assert.equal(img.layers[i]!.diffId, config.rootfs.diff_ids[i]);
    layerTars.push(raw);
  }
  assert.equal(config.rootfs.diff_ids.length, manifest.layers.length);
  assert.equal(config.os, 'linux');
  assert.deepEqual(config.config, img.config);

  // docker-archive: manifest.json names the config and the layer tars, in order, uncompressed.
  const archive = new Map((await readTar(readFileSync(img.archivePath))).map((e) => [e.name, e]));
  const [dm] = JSON.parse(archive.get('manifest.json')!.data.toString());
  assert.deepEqual(dm.RepoTags, [img.repoTag]);
  assert.equal(sha(archive.get(dm.Config)!.data), img.configDigest);
  assert.equal(dm.Config, `${img.configDigest.slice(7)}.json`);
  assert.deepEqual(dm.Layers.map((p: string) => sha(archive.get(p)!.data)), config.rootfs.diff_ids);
  const repos = JSON.parse(archive.get('repositories')!.data.toString());
  const [repo, tag] = img.repoTag.split(':');
  assert.equal(`${repos[repo!][tag!]}/layer.tar`, dm.Layers.at(-1));
  return { config, layerTars };
}

const byName = (entries: TarEntry[]) => new Map(entries.map((e) => [e.name, e]));

test('busybox image: consistent layout and archive, applet links, users, sticky /tmp; cached on the second build', { timeout: 120_000 }, async (t) => {
  const cacheRoot = tempCache(t);
  const t0 = performance.now();
  const img = await buildImage('busybox', { cacheRoot });
  const cold = performance.now() - t0;
  assert.equal(img.cached, false);
  const { layerTars } = await checkConsistent(img);
  assert.equal(layerTars.length, 1);
  const entries = byName(await readTar(layerTars[0]!));
  const bb = entries.get('bin/busybox')!;
  assert.equal(bb.type, 'file');
  assert.equal(bb.mode, 0o755);
  assert.equal(sha(bb.data), sha(readFileSync('/bin/busybox')));
  const applets = parseAppletList(execFileSync('/bin/busybox', ['--list-full']).toString());
  assert.ok(applets.length > 100 && applets.includes('bin/sh'));
  for (const a of applets) assert.equal(entries.get(a)?.linkname, '/bin/busybox', `applet link ${a}`);
  assert.equal(entries.get('tmp/')!.mode, 0o1777);
  assert.match(entries.get('etc/passwd')!.data.toString(), /^root:x:0:0:.*\nnobody:x:65534:65534:/);
  assert.match(entries.get('etc/group')!.data.toString(), /^root:x:0:\nnobody:x:65534:/);
  assert.deepEqual(img.config.Cmd, ['sh']);
  // Sorted, parents first: every entry's parent dir came before it.
  const names = [...entries.keys()];
  for (const [i, n] of names.entries()) {
    const parent = n.replace(/\/$/, '').split('/').slice(0, -1).join('/');
    if (parent) assert.ok(names.indexOf(`${parent}/`) < i, `${parent}/ before ${n}`);
  }

  const builtJson = path.join(path.dirname(img.layoutDir), 'built.json');
  const mtime = statSync(builtJson).mtimeMs;
  const t1 = performance.now();
  const again = await buildImage('busybox', { cacheRoot });
  const warm = performance.now() - t1;
  t.diagnostic(`busybox cold ${cold.toFixed(0)} ms, cached ${warm.toFixed(0)} ms`);
  assert.equal(again.cached, true);
  assert.equal(statSync(builtJson).mtimeMs, mtime, 'the cache entry was not rewritten');
  assert.deepEqual({ ...again, cached: false }, img);
});

test('redis image: server and cli with every ldd library at its path, redis user, /data, config', { timeout: 120_000 }, async (t) => {
  const cacheRoot = tempCache(t);
  const t0 = performance.now();
  const img = await buildImage('redis', { cacheRoot });
  const cold = performance.now() - t0;
  const { layerTars, config } = await checkConsistent(img);
  const entries = byName(await readTar(layerTars[0]!));
  const libs = new Set([...parseLdd(execFileSync('ldd', ['/usr/bin/redis-server']).toString()), ...parseLdd(execFileSync('ldd', ['/usr/bin/redis-cli']).toString())]);
  assert.ok([...libs].some((l) => /ld-linux/.test(l)), 'ldd lists the dynamic loader');
  for (const l of libs) {
    const e = entries.get(l.slice(1));
    assert.equal(e?.type, 'file', `library ${l}`);
    assert.equal(sha(e!.data), sha(readFileSync(l)), `library ${l} content`);
  }
  assert.equal(sha(entries.get('usr/bin/redis-server')!.data), sha(readFileSync('/usr/bin/redis-server')));
  assert.equal(sha(entries.get('usr/bin/redis-cli')!.data), sha(readFileSync('/usr/bin/redis-cli')));
  assert.match(entries.get('etc/passwd')!.data.toString(), /^redis:x:999:999:/m);
  assert.equal(entries.get('data/')!.uid, 999);
  assert.deepEqual(config.config.Cmd, ['redis-server', '--protected-mode', 'no']);
  assert.deepEqual(config.config.ExposedPorts, { '6379/tcp': {} });
  assert.equal(config.config.WorkingDir, '/data');

  const t1 = performance.now();
  const again = await buildImage('redis', { cacheRoot });
  t.diagnostic(`redis cold ${cold.toFixed(0)} ms, cached ${(performance.now() - t1).toFixed(0)} ms`);
  assert.equal(again.cached, true);
  assert.equal(again.manifestDigest, img.manifestDigest);
});

test('builds are reproducible: a fresh cache gives the same digests', { timeout: 120_000 }, async (t) => {
  const a = await buildImage('busybox', { cacheRoot: tempCache(t) });
  const b = await buildImage('busybox', { cacheRoot: tempCache(t) });
  assert.equal(a.cached || b.cached, false);
  assert.equal(b.manifestDigest, a.manifestDigest);
  assert.deepEqual(b.layers, a.layers);
});

test('crafted images: several layers, whiteouts, hostile paths and links exactly as given', { timeout: 60_000 }, async (t) => {
  const cacheRoot = tempCache(t);
  const img = await buildImageFromFiles(
    {
      name: 'crafted/hostile',
      tag: 'v1',
      layers: [
        [
          { path: '/etc', type: 'dir' },
          { path: '/etc/hosts', content: 'x', mode: 0o600, uid: 5, gid: 6 },
          { path: '/etc/old', content: 'old' },
        ],
        [
          { path: 'etc/.wh.old' },
          { path: 'etc/.wh..wh..opq' },
          { path: 'escape', type: 'symlink', target: '../../../../etc' },
          { path: 'hard', type: 'link', target: 'etc/hosts' },
          { path: '../outside', content: 'evil' },
          { path: '/abs/file', content: 'abs', rawPath: true },
          { path: 'dev-null', type: 'char', major: 1, minor: 3 },
        ],
      ],
      config: { Entrypoint: ['/bin/true'], User: '1000:1000' },
    },
    { cacheRoot },
  );
  const { layerTars, config } = await checkConsistent(img);
  assert.equal(img.repoTag, 'crafted/hostile:v1');
  assert.equal(layerTars.length, 2);
  const l1 = await readTar(layerTars[0]!);
  assert.deepEqual(l1.map((e) => [e.name, e.mode, e.uid, e.gid]), [['etc/', 0o755, 0, 0], ['etc/hosts', 0o600, 5, 6], ['etc/old', 0o644, 0, 0]]);
  const l2 = await readTar(layerTars[1]!);
  assert.deepEqual(
    l2.map((e) => [e.name, e.type, e.linkname ?? null]),
    [
      ['../outside', 'file', null],
      ['/abs/file', 'file', null],
      ['dev-null', 'character-device', null],
      ['escape', 'symlink', '../../../../etc'],
      ['etc/.wh..wh..opq', 'file', null],
      ['etc/.wh.old', 'file', null],
      ['hard', 'link', 'etc/hosts'],
    ],
  );
  assert.deepEqual(config.config, { Entrypoint: ['/bin/true'], User: '1000:1000' });

  // Docker media types, uncompressed layers, own order.
  const docker = await buildImageFromFiles(
    { files: [{ path: 'a/b', content: 'b' }, { path: 'a', type: 'dir' }], format: 'docker', compression: 'none', keepOrder: true },
    { cacheRoot },
  );
  await checkConsistent(docker);
  const m = JSON.parse(blob(docker, docker.manifestDigest).toString());
  assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(m.config.mediaType, 'application/vnd.docker.container.image.v1+json');
  assert.equal(m.layers[0].mediaType, 'application/vnd.docker.image.rootfs.diff.tar');
  assert.deepEqual((await readTar(blob(docker, m.layers[0].digest))).map((e) => e.name), ['a/b', 'a/']);

  await assert.rejects(buildImageFromFiles({ name: 'Bad Name', files: [] }, { cacheRoot }), /bad image name "Bad Name"/);
  await assert.rejects(buildImageFromFiles({ files: [{ path: 'l', type: 'symlink' }] }, { cacheRoot }), /"l": symlink needs a target/);
  await assert.rejects(buildImage('nginx', { cacheRoot }), /no recipe for "nginx"/);
});

test('a failed build leaves no cache entry and a later build of other content is unaffected', { timeout: 60_000 }, async (t) => {
  const cacheRoot = tempCache(t);
  const missing = path.join(cacheRoot, 'gone');
  writeFileSync(missing, 'x');
  const spec = { files: [{ path: 'f', hostPath: missing }] };
  const ok = await buildImageFromFiles(spec, { cacheRoot });
  rmSync(missing);
  // The content hash needs the file: the build fails before writing anything.
  await assert.rejects(buildImageFromFiles(spec, { cacheRoot }), /ENOENT/);
  // A build that fails while writing layers leaves no temp dir behind.
  await assert.rejects(buildImageFromFiles({ files: [{ path: 'l', type: 'link' }] }, { cacheRoot }), /needs a target/);
  assert.deepEqual(readdirSync(path.join(cacheRoot, 'images')), [path.basename(path.dirname(ok.layoutDir))]);
});

/** Unpacks an image's layers in order into a fresh dir (as root, keeping owners and modes). */
function unpack(img: BuiltImage, t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsc-imgroot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const l of img.layers) execFileSync('tar', ['-xpf', path.join(img.layoutDir, 'blobs/sha256', l.digest.slice(7)), '-C', dir]);
  return dir;
}

test('the images run: busybox applets and a redis server answering its own redis-cli (chroot)', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const bb = unpack(await buildImage('busybox'), t);
  const out = execFileSync('chroot', [bb, '/bin/sh', '-c', 'echo hi | tr a-z A-Z; ls -d /tmp; id -un'], { env: { PATH: '/bin:/usr/bin:/sbin:/usr/sbin' } }).toString();
  assert.deepEqual(out.trim().split('\n'), ['HI', '/tmp', 'root']);

  const rd = unpack(await buildImage('redis'), t);
  const port = await findFreePort();
  const server = spawn('chroot', [rd, '/usr/bin/redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--protected-mode', 'no'], { stdio: 'ignore' });
  t.after(() => server.kill('SIGKILL'));
  const pong = await eventually(() => {
    const r = execFileSync('chroot', [rd, '/usr/bin/redis-cli', '-p', String(port), 'ping']).toString().trim();
    assert.equal(r, 'PONG');
    return r;
  }, { timeoutMs: 30_000 });
  assert.equal(pong, 'PONG');
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
});
