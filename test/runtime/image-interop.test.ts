/**
 * Tarball interop with docker. In: `docker save` as Docker 20.10 writes it (legacy layer dirs with VERSION,
 * json and layer.tar, a duplicate layer as a symlink to the first, <config>.json, repositories), gzipped,
 * and as Docker 25+ writes it (OCI layout plus manifest.json pointing into blobs/). Out: `image save` is
 * checked file by file against what `docker load` reads (every path manifest.json names, config and layer
 * digests, diff ids of the decompressed layers, familiar RepoTags, the OCI index and its manifests).
 * The docker round trip runs only when `docker info` answers (it needs a running daemon).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { needsRoot } from '../helpers/root.js';
import { tscompose } from '../helpers/cli.js';
import { buildImage, buildImageFromFiles } from '../helpers/image-kit.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-image-interop-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
let seq = 0;
const freshRoot = () => fs.mkdtempSync(path.join(work, `root-${seq++}-`));
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hex = (d: string) => d.slice(7);

interface Entry { name: string; data?: Buffer; type?: 'file' | 'directory' | 'symlink'; linkname?: string }

function packTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const mtime = new Date(0);
  for (const e of entries) {
    const type = e.type ?? 'file';
    pack.entry({ name: e.name, type, mode: type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644, mtime, ...(e.linkname ? { linkname: e.linkname } : {}) }, type === 'file' ? e.data ?? Buffer.alloc(0) : '');
  }
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

/** Every entry of a tarball: name → { type, bytes, linkname }. */
async function readTar(file: string): Promise<Map<string, { type: string; data: Buffer; linkname?: string }>> {
  const out = new Map<string, { type: string; data: Buffer; linkname?: string }>();
  const extract = tar.extract();
  fs.createReadStream(file).pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.set(entry.header.name, { type: entry.header.type ?? 'file', data: Buffer.concat(chunks), ...(entry.header.linkname ? { linkname: entry.header.linkname } : {}) });
  }
  return out;
}

/** An uncompressed one-file layer tar and its diff id. */
async function layer(name: string, content: string): Promise<{ tar: Buffer; diffId: string }> {
  const t = await packTar([{ name, data: Buffer.from(content) }]);
  return { tar: t, diffId: sha(t) };
}

test('a docker 20.10 save (legacy layer dirs, a symlinked duplicate layer, gzipped) loads with its files', { skip: needsRoot, timeout: 120_000 }, async () => {
  const a = await layer('etc/a.txt', 'first\n');
  const b = await layer('etc/b.txt', 'second\n');
  const diffIds = [a.diffId, b.diffId, a.diffId];
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: { Cmd: ['/bin/sh'], Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: diffIds }, history: [] }));
  // v1 ids as docker computes them: a chain over parent and diff id
  const ids: string[] = [];
  for (const [i, d] of diffIds.entries()) ids.push(hex(sha(`${ids[i - 1] ?? ''} ${d}`)));
  const entries: Entry[] = [];
  for (const [i, id] of ids.entries()) {
    entries.push({ name: `${id}/`, type: 'directory' });
    entries.push({ name: `${id}/VERSION`, data: Buffer.from('1.0') });
    entries.push({ name: `${id}/json`, data: Buffer.from(JSON.stringify(i ? { id, parent: ids[i - 1] } : { id })) });
    // docker writes a layer it already wrote as a relative symlink to the first copy
    if (i === 2) entries.push({ name: `${id}/layer.tar`, type: 'symlink', linkname: `../${ids[0]}/layer.tar` });
    else entries.push({ name: `${id}/layer.tar`, data: i === 0 ? a.tar : b.tar });
  }
  entries.push({ name: `${hex(sha(config))}.json`, data: config });
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: `${hex(sha(config))}.json`, RepoTags: ['legacy/app:20.10'], Layers: ids.map((id) => `${id}/layer.tar`) }])) });
  entries.push({ name: 'repositories', data: Buffer.from(JSON.stringify({ 'legacy/app': { '20.10': ids[2] } })) });
  const file = path.join(work, 'docker-20.10.tar.gz');
  fs.writeFileSync(file, zlib.gzipSync(await packTar(entries)));

  const root = freshRoot();
  const r = await tscompose(['image', 'load', '-i', file], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Loaded image: legacy/app:20.10\n');
  const insp = JSON.parse((await tscompose(['image', 'inspect', 'legacy/app:20.10'], { env: { TSCOMPOSE_ROOT: root } })).stdout)[0] as { Id: string; RootFS: { Layers: string[] }; Config: { Cmd: string[] } };
  assert.equal(insp.Id, sha(config));
  assert.deepEqual(insp.RootFS.Layers, diffIds);
  assert.deepEqual(insp.Config.Cmd, ['/bin/sh']);
  const found = execFileSync('sh', ['-c', `cat ${root}/snapshots/*/diff/etc/a.txt ${root}/snapshots/*/diff/etc/b.txt | sort | uniq -c | sort`]).toString();
  // a.txt in two snapshots (layers 1 and 3), b.txt in one
  assert.match(found, /^\s+1 second\n\s+2 first\n$/);
});

test('a docker 25 save (OCI layout plus manifest.json into blobs/) loads', { skip: needsRoot, timeout: 120_000 }, async () => {
  const img = await buildImageFromFiles({ name: 'modern/app', tag: '25', compression: 'none', layers: [[{ path: '/m1', content: 'm1\n' }], [{ path: '/m2', content: 'm2\n' }]] });
  const dir = path.join(work, 'docker25');
  fs.cpSync(img.layoutDir, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: `blobs/sha256/${hex(img.configDigest)}`, RepoTags: ['modern/app:25'], Layers: img.layers.map((l) => `blobs/sha256/${hex(l.digest)}`) }]));
  fs.writeFileSync(path.join(dir, 'repositories'), JSON.stringify({ 'modern/app': { '25': hex(img.layers.at(-1)!.digest) } }));
  const file = path.join(work, 'docker-25.tar');
  execFileSync('tar', ['-C', dir, '-cf', file, '.']);
  const root = freshRoot();
  const r = await tscompose(['image', 'load', '-i', file], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Loaded image: modern/app:25\n');
  assert.equal(fs.readFileSync(execFileSync('sh', ['-c', `ls ${root}/snapshots/*/diff/m2`]).toString().trim(), 'utf8'), 'm2\n');
});

test('image save writes what docker load reads, file by file; docker loads it when a daemon answers', { skip: needsRoot, timeout: 180_000 }, async (t) => {
  const img = await buildImageFromFiles({ name: 'tscompose-test/saved', tag: 'v1', layers: [[{ path: '/s1', content: 's1\n' }], [{ path: '/s2', content: 's2\n' }]], config: { Cmd: ['/s1'] } });
  const root = freshRoot();
  const env = { TSCOMPOSE_ROOT: root };
  assert.equal((await tscompose(['image', 'load', '-i', img.archivePath], { env })).code, 0);
  const out = path.join(work, 'saved.tar');
  const s = await tscompose(['image', 'save', '-o', out, 'tscompose-test/saved:v1'], { env });
  assert.equal(s.code, 0, s.stderr);
  const files = await readTar(out);
  for (const n of files.keys()) assert.ok(!n.startsWith('/') && !n.split('/').includes('..'), `safe name ${n}`);
  const file = (n: string) => {
    const e = files.get(n);
    assert.ok(e && e.type === 'file', `${n} is a regular file in the archive`);
    return e.data;
  };

  // docker-archive: manifest.json → config and layers, digests and diff ids as docker load checks them
  const manifest = JSON.parse(file('manifest.json').toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  assert.equal(manifest.length, 1);
  const m = manifest[0]!;
  assert.deepEqual(m.RepoTags, ['tscompose-test/saved:v1']);
  const config = file(m.Config);
  assert.equal(sha(config), img.configDigest);
  assert.equal(`sha256:${path.basename(m.Config)}`, img.configDigest);
  const diffIds = (JSON.parse(config.toString()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
  assert.equal(m.Layers.length, diffIds.length);
  for (const [i, l] of m.Layers.entries()) {
    const blob = file(l);
    assert.equal(sha(blob), `sha256:${path.basename(l)}`, `layer ${l} is named by its digest`);
    const raw = blob[0] === 0x1f && blob[1] === 0x8b ? zlib.gunzipSync(blob) : blob;
    assert.equal(sha(raw), diffIds[i], `layer ${i} decompresses to its diff id`);
  }
  const repositories = JSON.parse(file('repositories').toString()) as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(repositories), ['tscompose-test/saved']);
  assert.deepEqual(Object.keys(repositories['tscompose-test/saved']!), ['v1']);

  // OCI layout: oci-layout, index.json → manifest → config and layers, sizes and media types agree
  assert.deepEqual(JSON.parse(file('oci-layout').toString()), { imageLayoutVersion: '1.0.0' });
  const index = JSON.parse(file('index.json').toString()) as { schemaVersion: number; mediaType: string; manifests: Array<{ mediaType: string; digest: string; size: number; annotations?: Record<string, string> }> };
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.equal(index.manifests.length, 1);
  const d = index.manifests[0]!;
  assert.equal(d.annotations?.['io.containerd.image.name'], 'docker.io/tscompose-test/saved:v1');
  assert.equal(d.annotations?.['org.opencontainers.image.ref.name'], 'v1');
  const mbytes = file(`blobs/sha256/${hex(d.digest)}`);
  assert.equal(sha(mbytes), d.digest);
  assert.equal(mbytes.length, d.size);
  const om = JSON.parse(mbytes.toString()) as { mediaType?: string; config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
  assert.equal(om.mediaType ?? d.mediaType, d.mediaType);
  assert.equal(om.config.digest, img.configDigest);
  assert.equal(file(`blobs/sha256/${hex(om.config.digest)}`).length, om.config.size);
  assert.deepEqual(om.layers.map((l) => `blobs/sha256/${hex(l.digest)}`), m.Layers);
  for (const l of om.layers) assert.equal(file(`blobs/sha256/${hex(l.digest)}`).length, l.size);

  // the real thing, where a docker daemon answers (not on a host without one)
  const dockerUp = spawnSync('docker', ['info'], { timeout: 10_000 }).status === 0;
  if (!dockerUp) {
    t.diagnostic('docker round trip not run: `docker info` does not answer');
    return;
  }
  const load = spawnSync('docker', ['load', '-i', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(load.status, 0, load.stderr);
  try {
    assert.match(load.stdout, /Loaded image: tscompose-test\/saved:v1/);
    const id = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', 'tscompose-test/saved:v1'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(id === img.configDigest || id === img.manifestDigest, `docker id ${id}`);
    // and back: docker's own save of it loads into a fresh tscompose root as the same image
    const back = path.join(work, 'docker-saved.tar');
    const ds = spawnSync('docker', ['save', '-o', back, 'tscompose-test/saved:v1'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(ds.status, 0, ds.stderr);
    const env2 = { TSCOMPOSE_ROOT: freshRoot() };
    const l2 = await tscompose(['image', 'load', '-i', back], { env: env2 });
    assert.equal(l2.code, 0, l2.stderr);
    const again = JSON.parse((await tscompose(['image', 'inspect', 'tscompose-test/saved:v1'], { env: env2 })).stdout) as Array<{ Id: string }>;
    assert.equal(again[0]?.Id, img.configDigest, 'docker save → tscompose load keeps the image id');
  } finally {
    spawnSync('docker', ['rmi', 'tscompose-test/saved:v1'], { timeout: 60_000 });
  }
  // a runnable image: the kit's busybox saved by tscompose runs under docker
  const bb = await buildImage('busybox');
  assert.equal((await tscompose(['image', 'load', '-i', bb.archivePath], { env })).code, 0);
  const bbOut = path.join(work, 'busybox-saved.tar');
  assert.equal((await tscompose(['image', 'save', '-o', bbOut, 'busybox'], { env })).code, 0);
  const bl = spawnSync('docker', ['load', '-i', bbOut], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(bl.status, 0, bl.stderr);
  const tag = /Loaded image: (\S+)/.exec(bl.stdout)?.[1] ?? '';
  try {
    const run = spawnSync('docker', ['run', '--rm', '--network', 'none', tag, 'sh', '-c', 'echo ran-under-docker'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.stdout.trim(), 'ran-under-docker', run.stderr);
  } finally {
    spawnSync('docker', ['rmi', tag], { timeout: 60_000 });
  }
});
