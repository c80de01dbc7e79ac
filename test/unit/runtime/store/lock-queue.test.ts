/** withLock's in-process queue: waiters of one process are served in order, handed over without polling. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withLock } from '../../../../runtime/store/lock.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tsc-lockq-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('30 waiters of one process hold the lock one at a time, in the order they asked', async (t) => {
  const d = tmp(t);
  const order: number[] = [];
  let inside = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 30 }, (_, i) => withLock(d, 'net', async () => {
    inside++;
    most = Math.max(most, inside);
    await new Promise((r) => setImmediate(r));
    order.push(i);
    inside--;
  })));
  assert.equal(most, 1, 'never two holders at once');
  assert.deepEqual(order, Array.from({ length: 30 }, (_, i) => i));
  assert.equal(existsSync(path.join(d, 'net.lock')), false);
});

test('a waiter behind a holder of the same process that never lets go times out; the queue goes on after', async (t) => {
  const d = tmp(t);
  let release!: () => void;
  const held = withLock(d, 'x', () => new Promise<void>((r) => { release = r; }));
  await new Promise((r) => setImmediate(r));
  await assert.rejects(withLock(d, 'x', () => 'never', { timeoutMs: 50 }), /lock x: still held/);
  const after = withLock(d, 'x', () => 'third');
  release();
  await held;
  assert.equal(await after, 'third');
});

test('a failing holder passes the lock on', async (t) => {
  const d = tmp(t);
  const first = withLock(d, 'y', () => { throw new Error('boom'); });
  const second = withLock(d, 'y', () => 'ok');
  await assert.rejects(first, /boom/);
  assert.equal(await second, 'ok');
});
