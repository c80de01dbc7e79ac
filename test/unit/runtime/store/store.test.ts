/** Generic state helpers: atomic JSON writes, pid identity, and the O_EXCL lock with stale-holder recovery. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../../../../runtime/store/atomic.js';
import { isSameProcessAlive, parseStartTime, readStartTime, selfIdentity } from '../../../../runtime/store/pid-identity.js';
import { withLock } from '../../../../runtime/store/lock.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tsc-store-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('writeJsonAtomic replaces the file whole and leaves no temp file behind', (t) => {
  const d = tmp(t);
  const f = path.join(d, 'state.json');
  writeJsonAtomic(f, { a: 1 });
  writeJsonAtomic(f, { a: 2, b: 'x' });
  assert.deepEqual(readJsonIfExists(f), { a: 2, b: 'x' });
  assert.deepEqual(readdirSync(d), ['state.json']);
  assert.equal(readJsonIfExists(path.join(d, 'missing.json')), undefined);
  writeFileSync(path.join(d, 'bad.json'), '{');
  assert.throws(() => readJsonIfExists(path.join(d, 'bad.json')), /bad\.json: invalid JSON/);
});

test('start time is field 22 of /proc/<pid>/stat even when the command name has spaces and parens', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  const line = `123 (a b) c) ${fields.join(' ')}`;
  assert.equal(parseStartTime(line), 22);
  const me = selfIdentity();
  assert.equal(me.pid, process.pid);
  assert.equal(readStartTime(process.pid), me.startTime);
  assert.ok(isSameProcessAlive(me));
  assert.equal(isSameProcessAlive({ pid: process.pid, startTime: me.startTime + 1 }), false);
});

test('a finished process is not alive (pid gone)', () => {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim());
  assert.equal(isSameProcessAlive({ pid, startTime: 1 }), false);
});

test('withLock serialises holders and removes the lock file afterwards', async (t) => {
  const d = tmp(t);
  const order: string[] = [];
  const slow = withLock(d, 'x', async () => { order.push('a-in'); await new Promise((r) => setTimeout(r, 50)); order.push('a-out'); });
  await new Promise((r) => setTimeout(r, 5));
  const fast = withLock(d, 'x', () => { order.push('b'); });
  await Promise.all([slow, fast]);
  assert.deepEqual(order, ['a-in', 'a-out', 'b']);
  assert.equal(existsSync(path.join(d, 'x.lock')), false);
});

test('a lock left by a dead holder is taken over; a live holder makes the taker time out', async (t) => {
  const d = tmp(t);
  writeFileSync(path.join(d, 'y.lock'), '999999999 12345\n');
  assert.equal(await withLock(d, 'y', () => 'got it', { timeoutMs: 2000 }), 'got it');
  const me = selfIdentity();
  writeFileSync(path.join(d, 'z.lock'), `${me.pid} ${me.startTime}\n`);
  await assert.rejects(withLock(d, 'z', () => 'no', { timeoutMs: 100 }), /lock z: still held/);
  assert.equal(readFileSync(path.join(d, 'z.lock'), 'utf8'), `${me.pid} ${me.startTime}\n`);
});
