/**
 * e2eEnv gives each test its own root and project, and its cleanup leaves the machine clean while
 * reporting what the test left (mounts under the root, leaked host objects).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { e2eEnv, eventually, mountsUnder } from '../../helpers/e2e.js';
import { parseMountinfo } from '../../helpers/host-snapshot.js';
import { needsRoot } from '../../helpers/root.js';

const mountedUnder = (dir: string) => parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).mounts.filter((m) => m === dir || m.startsWith(`${dir}/`));

test('mountsUnder: only the dir and below, deepest first, newest of a stack first', () => {
  const points = ['/', '/tmp/r', '/tmp/r/a', '/tmp/rx', '/tmp/r/a/b', '/tmp/r/a', '/tmp/r/c'];
  assert.deepEqual(mountsUnder(points, '/tmp/r'), ['/tmp/r/a/b', '/tmp/r/c', '/tmp/r/a', '/tmp/r/a', '/tmp/r']);
});

test('each env has its own temp root and project name; cleanup removes the root and runs deferred steps last-first', async () => {
  const a = await e2eEnv(undefined, { leakCheck: false });
  const b = await e2eEnv(undefined, { leakCheck: false });
  assert.notEqual(a.root, b.root);
  assert.notEqual(a.project, b.project);
  assert.match(a.project, /^t[0-9a-f]{8}$/);
  assert.deepEqual(a.env, { TSCOMPOSE_ROOT: a.root });
  assert.ok(a.root.startsWith(os.tmpdir()) && statSync(a.root).isDirectory());
  assert.notEqual(a.root, '/var/lib/tscompose');
  const order: number[] = [];
  a.defer(() => order.push(1));
  a.defer(() => order.push(2));
  await a.cleanup();
  await a.cleanup();
  assert.deepEqual(order, [2, 1]);
  assert.equal(existsSync(a.root), false);
  await b.cleanup();
  assert.equal(existsSync(b.root), false);
});

test('a failing deferred step is reported and the rest of cleanup still runs', async () => {
  const e = await e2eEnv(undefined, { leakCheck: false });
  e.defer(() => {
    throw new Error('down failed');
  });
  await assert.rejects(e.cleanup(), (err: Error) => err.message.includes(`e2e project ${e.project}`) && err.message.includes('cleanup step failed: down failed'));
  assert.equal(existsSync(e.root), false);
});

test('cleanup unmounts what is left under the root, deepest first, reports it and removes the root', { skip: needsRoot, timeout: 120_000 }, async () => {
  const e = await e2eEnv(undefined, { exclusive: false, only: () => false });
  try {
    mkdirSync(`${e.root}/a`);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', `${e.root}/a`]);
    mkdirSync(`${e.root}/a/b`);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', `${e.root}/a/b`]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', `${e.root}/a/b`]);
    await assert.rejects(e.cleanup(), (err: Error) => {
      const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('mount '));
      assert.deepEqual(lines, [`${e.root}/a/b`, `${e.root}/a/b`, `${e.root}/a`].map((p) => `mount ${p} (still mounted at cleanup; unmounted)`));
      return true;
    });
    assert.deepEqual(mountedUnder(e.root), []);
    assert.equal(existsSync(e.root), false);
  } finally {
    for (const m of mountedUnder(e.root).reverse()) spawnSync('umount', ['-l', m]);
  }
});

test('with the leak check on, cleanup names a host object the test leaked', { skip: needsRoot, timeout: 120_000 }, async () => {
  const name = `tsclk${randomBytes(4).toString('hex')}`;
  // Scoped to this test's bridge: other tests may be changing the host at the same time.
  const e = await e2eEnv(undefined, { exclusive: false, only: (l) => l.includes(name), timeoutMs: 500 });
  try {
    execFileSync('ip', ['link', 'add', name, 'type', 'bridge']);
    await assert.rejects(e.cleanup(), (err: Error) => err.message.includes(`link ${name}`));
  } finally {
    spawnSync('ip', ['link', 'del', name]);
  }
  const clean = await e2eEnv(undefined, { exclusive: false, only: (l) => l.includes(name) });
  execFileSync('ip', ['link', 'add', name, 'type', 'bridge']);
  clean.defer(() => execFileSync('ip', ['link', 'del', name]));
  await clean.cleanup();
});

test('eventually returns once the check passes and rethrows its last error at the deadline', async () => {
  let n = 0;
  assert.equal(await eventually(() => { if (++n < 3) throw new Error(`not yet ${n}`); return n; }, { intervalMs: 5 }), 3);
  const t0 = Date.now();
  await assert.rejects(eventually(() => { throw new Error('never'); }, { timeoutMs: 200, intervalMs: 20 }), /never/);
  assert.ok(Date.now() - t0 >= 200);
});
