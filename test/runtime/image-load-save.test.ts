/**
 * Tarballs: the image kit's docker-archive (as `docker save` writes it) and an OCI-layout tarball load;
 * `image save` output loads back (same image id, tags, layers) and carries both manifest.json and an OCI
 * index, as docker and podman expect; `image push` then a pull into a fresh root gives the same image.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { tscompose } from '../helpers/cli.js';
import { buildImage, buildImageFromFiles } from '../helpers/image-kit.js';
import { startRegistry } from '../helpers/registry.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-image-tar-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
let seq = 0;
const freshRoot = () => fs.mkdtempSync(path.join(work, `root-${seq++}-`));

function tarList(file: string): string[] {
  return execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
}

test('a docker-archive from the image kit loads; save then load round-trips', { skip: needsRoot, timeout: 180_000 }, async () => {
  const img = await buildImage('busybox');
  const root = freshRoot();
  const env = { TSCOMPOSE_ROOT: root };
  const r = await tscompose(['image', 'load', '-i', img.archivePath], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Loaded image: ${img.repoTag}\n`);
  const ids = await tscompose(['images', '-q'], { env });
  assert.equal(ids.stdout, `${img.configDigest.slice(7, 19)}\n`);

  const out = path.join(work, 'saved.tar');
  const s = await tscompose(['image', 'save', '-o', out, img.repoTag], { env });
  assert.equal(s.code, 0, s.stderr);
  const names = tarList(out);
  for (const n of ['manifest.json', 'index.json', 'oci-layout', 'repositories', `blobs/sha256/${img.configDigest.slice(7)}`]) assert.ok(names.includes(n), `${n} in ${names.join(' ')}`);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', out, 'manifest.json']).toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  assert.deepEqual(manifest[0]!.RepoTags, [img.repoTag]);
  assert.equal(manifest[0]!.Layers.length, img.layers.length);

  const root2 = freshRoot();
  const l2 = await tscompose(['image', 'load', '-i', out], { env: { TSCOMPOSE_ROOT: root2 } });
  assert.equal(l2.code, 0, l2.stderr);
  assert.equal(l2.stdout, `Loaded image: ${img.repoTag}\n`);
  const insp = (root: string) => tscompose(['image', 'inspect', img.repoTag], { env: { TSCOMPOSE_ROOT: root } }).then((x) => JSON.parse(x.stdout)[0] as { Id: string; RootFS: unknown; Config: unknown });
  const [a, b] = await Promise.all([insp(root), insp(root2)]);
  assert.equal(b.Id, a.Id);
  assert.deepEqual(b.RootFS, a.RootFS);
  assert.deepEqual(b.Config, a.Config);
});

test('an OCI-layout tarball loads (gzip layers, tag from the index annotation)', { skip: needsRoot, timeout: 120_000 }, async () => {
  const img = await buildImageFromFiles({ name: 'tscompose-test/oci', files: [{ path: '/hello', content: 'oci\n' }], config: { Cmd: ['/hello'] } });
  const tarPath = path.join(work, 'oci.tar');
  execFileSync('tar', ['-C', img.layoutDir, '-cf', tarPath, '.']);
  const root = freshRoot();
  const r = await tscompose(['image', 'load', '-i', tarPath], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(r.code, 0, r.stderr);
  const ls = await tscompose(['image', 'ls', '--format', 'json'], { env: { TSCOMPOSE_ROOT: root } });
  const rows = ls.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ID: string; Repository: string });
  assert.deepEqual(rows.map((x) => x.ID), [img.configDigest.slice(7, 19)]);
});

test('a file that is not an image tarball is one clear error', { skip: needsRoot, timeout: 60_000 }, async () => {
  const junk = path.join(work, 'junk.tar');
  fs.writeFileSync(junk, 'this is not a tar file at all'.repeat(40));
  const root = freshRoot();
  const r = await tscompose(['image', 'load', '-i', junk], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^load "${junk}": `));
  assert.equal(fs.existsSync(path.join(root, 'images')) ? fs.readdirSync(path.join(root, 'images')).length : 0, 0);
});

test('push sends only missing blobs, and a pull into a fresh root gives the same image; tag, rm and prune', { skip: needsRoot, timeout: 180_000 }, async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const img = await buildImageFromFiles({ name: 'tscompose-test/pushme', layers: [[{ path: '/a', content: 'a' }], [{ path: '/b', content: 'b' }]] });
  const root = freshRoot();
  const env = { TSCOMPOSE_ROOT: root };
  assert.equal((await tscompose(['image', 'load', '-i', img.archivePath], { env })).code, 0);
  const target = `${reg.host}/pushed/img:v1`;
  assert.equal((await tscompose(['image', 'tag', img.repoTag, target], { env })).code, 0);
  const p = await tscompose(['image', 'push', target], { env });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Pushed/);
  const p2 = await tscompose(['image', 'push', target], { env });
  assert.equal(p2.code, 0, p2.stderr);
  assert.doesNotMatch(p2.stdout, /: Pushed/);
  assert.match(p2.stdout, /Layer already exists/);

  const root2 = freshRoot();
  const pull = await tscompose(['image', 'pull', target], { env: { TSCOMPOSE_ROOT: root2 } });
  assert.equal(pull.code, 0, pull.stderr);
  const id = (r: string) => tscompose(['image', 'inspect', target], { env: { TSCOMPOSE_ROOT: r } }).then((x) => (JSON.parse(x.stdout)[0] as { Id: string }).Id);
  assert.equal(await id(root2), await id(root));

  // rm by one name untags; the last name deletes the record; prune then frees the data.
  const rm1 = await tscompose(['image', 'rm', target], { env });
  assert.equal(rm1.stdout, `Untagged: ${target}\n`);
  const rm2 = await tscompose(['image', 'rm', img.repoTag], { env });
  assert.match(rm2.stdout, new RegExp(`Untagged: ${img.repoTag}\\nDeleted: ${img.configDigest}\\n`));
  const blobsBefore = fs.readdirSync(path.join(root, 'blobs/sha256')).length;
  assert.ok(blobsBefore >= 4);
  const pr = await tscompose(['image', 'prune', '-f'], { env });
  assert.equal(pr.code, 0, pr.stderr);
  assert.match(pr.stdout, /Total reclaimed space: \d/);
  assert.deepEqual(fs.readdirSync(path.join(root, 'blobs/sha256')), []);
  assert.deepEqual(fs.readdirSync(path.join(root, 'snapshots')).filter((n) => n !== 'l'), []);
  assert.deepEqual(fs.readdirSync(path.join(root, 'snapshots/l')), []);
});
