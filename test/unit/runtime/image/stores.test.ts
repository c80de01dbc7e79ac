import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-stores-'));
process.env.TSCOMPOSE_ROOT = tmpRoot;
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

const cs = await import('../../../../runtime/image/content-store.js');
const is = await import('../../../../runtime/image/image-store.js');
const { planImagePrune, collectReferences } = await import('../../../../runtime/image/prune.js');

const dig = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test('a blob becomes visible only when digest and size match', async () => {
  const data = Buffer.from('hello blob');
  await assert.rejects(cs.putBlob(dig('other'), data, 'image "x": config'), (e: Error & { code?: string }) => e.code === 'E_DIGEST_MISMATCH' && /^image "x": config: digest mismatch/.test(e.message));
  assert.equal(await cs.hasBlob(dig('other')), false);
  assert.deepEqual(fs.readdirSync(path.join(tmpRoot, 'tmp')), []);
  await cs.putBlob(dig(data), data, 'x');
  assert.ok(await cs.hasBlob(dig(data), data.length));
  assert.equal((await cs.readBlob(dig(data))).toString(), 'hello blob');
});

test('an interrupted write resumes from the partial file', async () => {
  const data = Buffer.from('0123456789'.repeat(100));
  const d = dig(data);
  const w1 = await cs.openBlobWriter(d, data.length, 'x');
  assert.equal(w1.offset, 0);
  await w1.write(data.subarray(0, 300));
  await w1.close();
  const w2 = await cs.openBlobWriter(d, data.length, 'x');
  assert.equal(w2.offset, 300);
  await w2.write(data.subarray(300));
  await w2.commit();
  assert.ok(await cs.hasBlob(d, data.length));
  const w3 = await cs.openBlobWriter(dig('more'), 2, 'image "y": layer L');
  await assert.rejects(w3.write(Buffer.from('abc')), /image "y": layer L: more data than the 2 bytes announced/);
  await w3.discard();
});

function rec(id: string, tags: string[]): import('../../../../runtime/image/image-store.js').ImageRecord {
  return {
    id: dig(id), repoTags: tags, repoDigests: [], manifestDigest: dig(`m-${id}`), manifestMediaType: 'm', configDigest: dig(id),
    layers: [{ digest: dig(`l-${id}`), size: 1, mediaType: '', diffId: dig(`d-${id}`), chainId: dig(`c-${id}`) }],
    platform: { os: 'linux', architecture: 'amd64' }, created: '', storedAt: new Date().toISOString(), size: 1,
  };
}

test('image records: lookup by name, id and id prefix; tags move; rm untags then deletes', async () => {
  await is.saveImage(rec('one', ['docker.io/library/app:1', 'docker.io/library/app:latest']));
  await is.saveImage(rec('two', ['docker.io/library/app:latest']));
  assert.equal((await is.findImage('app'))?.id, dig('two'), 'latest moved to the newer image');
  assert.deepEqual((await is.findImage('app:1'))?.repoTags, ['docker.io/library/app:1']);
  assert.equal((await is.findImage(dig('one')))?.id, dig('one'));
  assert.equal((await is.findImage(dig('one').slice(7, 19)))?.id, dig('one'));
  assert.equal(await is.findImage('nothere'), undefined);
  await assert.rejects(is.requireImage('nothere:1'), /image "nothere:1": no such image/);
  assert.equal(await is.tagImage('app:1', 'localhost:5000/app:x'), 'localhost:5000/app:x');
  assert.equal((await is.findImage('localhost:5000/app:x'))?.id, dig('one'));
  await assert.rejects(is.removeImage(dig('one')), /referenced in multiple repositories/);
  assert.deepEqual(await is.removeImage('app:1'), { untagged: ['docker.io/library/app:1'] });
  const last = await is.removeImage('localhost:5000/app:x');
  assert.equal(last.deleted, dig('one'));
  assert.equal(await is.findImage(dig('one')), undefined);
});

test('prune plans: dangling only, or all unused; references come from the remaining records', () => {
  const a = rec('a', []);
  const b = rec('b', ['docker.io/library/b:1']);
  const c = rec('c', []);
  assert.deepEqual(planImagePrune([a, b, c], {}).map((r) => r.id), [a.id, c.id]);
  assert.deepEqual(planImagePrune([a, b, c], { all: true, inUse: new Set([c.id]) }).map((r) => r.id), [a.id, b.id]);
  const refs = collectReferences([b]);
  assert.ok(refs.blobs.has(b.configDigest) && refs.blobs.has(b.layers[0]!.digest) && refs.blobs.has(b.manifestDigest));
  assert.ok(!refs.blobs.has(a.configDigest));
  assert.deepEqual([...refs.chains], [b.layers[0]!.chainId]);
});
