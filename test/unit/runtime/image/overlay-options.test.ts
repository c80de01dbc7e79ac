import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { planOverlayOptions, MAX_LOWER_LAYERS } from '../../../../runtime/snapshot/overlay.js';
import { shortLinkName } from '../../../../runtime/snapshot/snapshot-store.js';

const chain = (n: number) => Array.from({ length: n }, (_, i) => `sha256:${createHash('sha256').update(String(i)).digest('hex')}`);

test('short link names are 26 base32 chars, stable and distinct', () => {
  const ids = chain(200);
  const names = ids.map(shortLinkName);
  for (const n of names) assert.match(n, /^[A-Z2-7]{26}$/);
  assert.equal(new Set(names).size, 200);
  assert.equal(shortLinkName(ids[0]!), shortLinkName(ids[0]!));
});

test('lower dirs are listed topmost first, through absolute short links when they fit', () => {
  const ids = chain(3);
  const p = planOverlayOptions(ids, '/r/rw/c/upper', '/r/rw/c/work', '/r/snapshots');
  const s = ids.map(shortLinkName);
  assert.equal(p.data, `lowerdir=/r/snapshots/l/${s[2]}:/r/snapshots/l/${s[1]}:/r/snapshots/l/${s[0]},upperdir=/r/rw/c/upper,workdir=/r/rw/c/work`);
  assert.equal(p.cwd, undefined);
});

test('deep chains switch to links relative to the snapshot root and still fit in a page', () => {
  const root = '/var/lib/tscompose/snapshots';
  const p = planOverlayOptions(chain(120), '/u', '/w', root);
  assert.equal(p.cwd, root);
  assert.ok(p.data.startsWith('lowerdir=l/'));
  assert.ok(p.data.length < 4096, `length ${p.data.length}`);
  assert.equal(p.data.split(',')[0]!.split(':').length, 120);
});

test('too many layers or no layer are clear errors', () => {
  assert.throws(() => planOverlayOptions(chain(MAX_LOWER_LAYERS + 1), '/u', '/w', '/r'), /at most 500/);
  assert.throws(() => planOverlayOptions([], '/u', '/w', '/r'), /at least one/);
  assert.throws(() => planOverlayOptions(chain(200), '/u', '/w', '/r'), /do not fit in a page/);
});
