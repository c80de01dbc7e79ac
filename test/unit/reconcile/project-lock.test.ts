import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withProjectLock } from '../../../src/reconcile/project-lock.js';

test('a second command on one project waits with a message; another project does not wait', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-lock-'));
  const saved = process.env.TSCOMPOSE_ROOT;
  process.env.TSCOMPOSE_ROOT = root;
  t.after(() => { process.env.TSCOMPOSE_ROOT = saved; rmSync(root, { recursive: true, force: true }); });

  const order: string[] = [];
  const waits: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = withProjectLock('demo', (m) => waits.push(`first: ${m}`), async () => { order.push('first in'); await held; order.push('first out'); });
  await new Promise((r) => setTimeout(r, 20));
  const second = withProjectLock('demo', (m) => waits.push(m), async () => { order.push('second in'); });
  const other = withProjectLock('other', (m) => waits.push(`other: ${m}`), async () => { order.push('other in'); });
  await other;
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(order, ['first in', 'other in']);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'other in', 'first out', 'second in']);
  assert.deepEqual(waits, ['waiting for another tscompose command working on project "demo" to finish']);
});

test('an error inside the lock is the caller\'s, not a lock timeout', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-lock-'));
  const saved = process.env.TSCOMPOSE_ROOT;
  process.env.TSCOMPOSE_ROOT = root;
  t.after(() => { process.env.TSCOMPOSE_ROOT = saved; rmSync(root, { recursive: true, force: true }); });
  await assert.rejects(withProjectLock('demo', () => assert.fail('no wait expected'), async () => { throw new Error('boom'); }), /boom/);
  // the lock was released: the next one gets in at once
  assert.equal(await withProjectLock('demo', () => assert.fail('no wait expected'), async () => 7), 7);
});
