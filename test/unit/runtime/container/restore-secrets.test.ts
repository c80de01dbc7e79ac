/**
 * restore's completeness decisions: secrets/configs kept at create and written back after a reboot (the run
 * dir emptied), the grouping of restore work by project (one lock per project), and cp's ownership rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// paths() reads TSCOMPOSE_ROOT once: set it before anything asks
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-restore-secrets-'));
process.env.TSCOMPOSE_ROOT = root;
const { execKeepSecrets, execRemakeSecrets, planRemake, planSecretsRoot } = await import('../../../../runtime/container/secret-record.js');
const { planGroupByScope, planScopeRuns, planScopedOrder } = await import('../../../../runtime/restore.js');
const { planOwner } = await import('../../../../runtime/container/cp.js');
const { paths } = await import('../../../../runtime/store/paths.js');
const { baseSpec } = await import('./fixtures.js');
type Meta = import('../../../../runtime/container/meta.js').ContainerMeta;

test.after(() => fs.rmSync(root, { recursive: true, force: true }));

test('planRemake writes back only kept files inside the container\'s secrets dir and names binds it cannot feed', () => {
  const dir = planSecretsRoot('/run/tscompose', 'c1');
  assert.equal(dir, '/run/tscompose/secrets/c1');
  const kept = (p: string) => ({ path: p, uid: 0, gid: 0, mode: 0o400, content: '' });
  const spec = {
    mounts: [
      { type: 'bind' as const, source: `${dir}/secrets/token`, target: '/run/secrets/token' },
      { type: 'bind' as const, source: `${dir}/configs/app`, target: '/etc/app.conf' },
      { type: 'bind' as const, source: '/srv/data', target: '/data' },
      { type: 'volume' as const, source: '/var/lib/tscompose/volumes/x', target: '/x' },
    ],
  };
  const plan = planRemake(spec, [kept(`${dir}/secrets/token`), kept('/etc/passwd'), kept(`${dir}/../c2/secrets/x`), kept('/run/tscompose/secrets/c10/secrets/y')], dir);
  assert.deepEqual(plan.write.map((f) => f.path), [`${dir}/secrets/token`], 'a record never writes outside the container\'s own dir');
  assert.deepEqual(plan.unkept, [{ source: `${dir}/configs/app`, target: '/etc/app.conf' }]);
  assert.deepEqual(planRemake({}, [], dir), { write: [], unkept: [] });
});

test('kept at create, written back with the same bytes, owner and mode once the run dir is gone', () => {
  const id = 'e'.repeat(64);
  const bundle = path.join(paths().containers, id);
  fs.mkdirSync(bundle, { recursive: true, mode: 0o700 });
  const dir = planSecretsRoot(paths().run, id);
  const token = path.join(dir, 'secrets', 'token');
  const conf = path.join(dir, 'configs', 'app');
  fs.mkdirSync(path.dirname(token), { recursive: true });
  fs.mkdirSync(path.dirname(conf), { recursive: true });
  const bytes = Buffer.from([0, 1, 2, 255, 10, 0x41]);
  fs.writeFileSync(token, bytes, { mode: 0o600 });
  fs.chmodSync(token, 0o400);
  fs.writeFileSync(conf, 'listen 80\n');
  fs.chmodSync(conf, 0o444);
  const uid = process.getuid!();
  const gid = process.getgid!();
  execKeepSecrets(id, [token, conf]);
  const record = path.join(bundle, 'secrets.json');
  assert.equal(fs.statSync(record).mode & 0o777, 0o600, 'the kept content is readable by its owner only');

  const spec = { mounts: [{ type: 'bind' as const, source: token, target: '/run/secrets/token' }, { type: 'bind' as const, source: conf, target: '/app.conf' }] };
  assert.equal(execRemakeSecrets(id, spec), 0, 'nothing to do while the files are there');
  fs.rmSync(paths().run, { recursive: true, force: true });
  assert.equal(execRemakeSecrets(id, spec), 2);
  assert.deepEqual(fs.readFileSync(token), bytes);
  assert.equal(fs.readFileSync(conf, 'utf8'), 'listen 80\n');
  assert.equal(fs.statSync(token).mode & 0o7777, 0o400);
  assert.equal(fs.statSync(conf).mode & 0o7777, 0o444);
  assert.deepEqual([fs.statSync(token).uid, fs.statSync(token).gid], [uid, gid]);
  assert.equal(fs.statSync(path.dirname(token)).mode & 0o777, 0o700);

  // a container created before records were kept: a clear error naming the target, nothing half-written
  const old = 'f'.repeat(64);
  fs.mkdirSync(path.join(paths().containers, old), { recursive: true });
  const oldDir = planSecretsRoot(paths().run, old);
  assert.throws(() => execRemakeSecrets(old, { mounts: [{ type: 'bind', source: `${oldDir}/secrets/pw`, target: '/run/secrets/pw' }] }),
    (e: Error & { code?: string }) => e.code === 'E_SECRET_LOST' && /\/run\/secrets\/pw/.test(e.message));
  assert.equal(fs.existsSync(oldDir), false);
});

test('restore work is grouped by scope in first-seen order, and each scope runs once', () => {
  const items = [{ n: 'a1', s: 'a' }, { n: 'b1', s: 'b' }, { n: 'x', s: undefined }, { n: 'a2', s: 'a' }, { n: 'b2', s: 'b' }];
  const grouped = planGroupByScope(items, (i) => i.s);
  assert.deepEqual(grouped.map((i) => i.n), ['a1', 'a2', 'b1', 'b2', 'x']);
  assert.deepEqual(planScopeRuns(grouped, (i) => i.s).map((r) => [r.scope, r.items.map((i) => i.n)]), [['a', ['a1', 'a2']], ['b', ['b1', 'b2']], [undefined, ['x']]]);
  assert.deepEqual(planScopeRuns(items, (i) => i.s).length, 5, 'runs are consecutive only');
});

function meta(name: string, project: string, over: Parameters<typeof baseSpec>[0] = {}): Meta {
  const spec = baseSpec({ name, id: name.padEnd(64, '0'), labels: { p: project }, ...over });
  return { id: spec.id, name, labels: spec.labels, createdAt: '2026-01-01T00:00:00Z', spec };
}

test('containers are grouped by project unless one joins another project\'s namespace (then joins come first)', () => {
  const scope = (l: Record<string, string>) => l.p;
  const [a1, b1, a2] = [meta('a1', 'A'), meta('b1', 'B'), meta('a2', 'A', { network: { mode: 'container', container: 'a1' } })];
  assert.deepEqual(planScopedOrder([a2, b1, a1], scope).map((m) => m.name), ['b1', 'a1', 'a2']);
  const joinsB = meta('a3', 'A', { pid: { mode: 'container', container: 'b1' } });
  const order = planScopedOrder([joinsB, a1, b1], scope).map((m) => m.name);
  assert.ok(order.indexOf('b1') < order.indexOf('a3'), order.join(','));
});

test('cp ownership: the source\'s uid/gid with -a, else root in the container and the caller on the host', () => {
  assert.deepEqual(planOwner({ uid: 1234, gid: 2345 }, true, { uid: 0, gid: 0 }), { uid: 1234, gid: 2345 });
  assert.deepEqual(planOwner({ uid: 1234, gid: 2345 }, false, { uid: 0, gid: 0 }), { uid: 0, gid: 0 });
  assert.deepEqual(planOwner({ uid: 1234, gid: 2345 }, false, { uid: 1000, gid: 100 }), { uid: 1000, gid: 100 });
});
