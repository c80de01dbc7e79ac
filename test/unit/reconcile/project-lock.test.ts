import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { paths, withLock } from '../../../runtime/index.js';
import { withProjectLock } from '../../../src/reconcile/project-lock.js';

// paths() reads TSCOMPOSE_ROOT once per process, so the whole file shares one root, set before the first lock
const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-lock-'));
const saved = process.env.TSCOMPOSE_ROOT;
process.env.TSCOMPOSE_ROOT = root;
after(() => {
  if (saved === undefined) delete process.env.TSCOMPOSE_ROOT;
  else process.env.TSCOMPOSE_ROOT = saved;
  rmSync(root, { recursive: true, force: true });
});

test('a second command on one project waits with a message; another project does not wait', async () => {
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

test('an error inside the lock is the caller\'s, not a lock timeout', async () => {
  await assert.rejects(withProjectLock('demo', () => assert.fail('no wait expected'), async () => { throw new Error('boom'); }), /boom/);
  // the lock was released: the next one gets in at once
  assert.equal(await withProjectLock('demo', () => assert.fail('no wait expected'), async () => 7), 7);
});

test('a lock left by a killed command is taken over at once, without the waiting message', async () => {
  // a holder that is gone: a process that ran and exited (its pid names nobody, or somebody newer)
  const dead = spawnSync('true');
  assert.equal(dead.status, 0);
  mkdirSync(paths().locks, { recursive: true });
  // many times: taking over within the same millisecond must not depend on luck
  for (let i = 0; i < 200; i++) {
    writeFileSync(path.join(paths().locks, `project-demo${i}.lock`), `${dead.pid} 1\n`);
    assert.equal(await withProjectLock(`demo${i}`, (m) => assert.fail(`no wait expected: ${m}`), async () => i), i);
  }
});

test('an empty lock file (its writer killed between creating and filling it) is taken over once it is old', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsc-lock-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = path.join(root, 'networks.lock');
  writeFileSync(file, '');
  // fresh: a writer may be about to fill it, so it is respected
  await assert.rejects(withLock(root, 'networks', () => 'in', { timeoutMs: 300 }), /still held/);
  // old: abandoned
  const old = new Date(Date.now() - 60_000);
  utimesSync(file, old, old);
  assert.equal(await withLock(root, 'networks', () => 'in', { timeoutMs: 300 }), 'in');
});
