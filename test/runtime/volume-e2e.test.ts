/**
 * Volumes, secrets and configs on the real host (root: chown, mount). Each test has its own TSCOMPOSE_ROOT.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync, chownSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { tscompose } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'tsc-vol-e2e-'));
process.env.TSCOMPOSE_ROOT = root;
after(() => rmSync(root, { recursive: true, force: true }));
const vol = await import('../../runtime/volume/index.js');
const leakOpts = { ignore: [/flock .*tscompose-e2e-host\.lock/, /^process \d+ \S+ \(ppid 1, zombie\)/] };
const mounted = (dir: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === dir);

test('a named volume keeps its data, is refused for removal while in use, and goes when removed', { skip: needsRoot }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const v = await vol.createVolume({ name: 'demo_db', labels: { 'com.docker.compose.project': 'demo' } });
  assert.equal(v.mountpoint, path.join(root, 'volumes', 'demo_db', '_data'));
  assert.equal((await vol.createVolume({ name: 'demo_db' })).created, v.created, 'creating again returns the same volume');
  const dir = await vol.acquireVolume('demo_db', 'c'.repeat(64));
  writeFileSync(path.join(dir, 'row'), 'kept');
  await assert.rejects(vol.removeVolume('demo_db'), { code: 'E_VOLUME_IN_USE', message: 'remove volume "demo_db": volume is in use by container(s) cccccccccccc' });
  const cli = await tscompose(['volume', 'rm', 'demo_db'], { env: { TSCOMPOSE_ROOT: root } });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /remove volume "demo_db": volume is in use/);
  await vol.releaseVolume('demo_db', 'c'.repeat(64));
  assert.equal(readFileSync(path.join(vol.inspectVolume('demo_db').mountpoint, 'row'), 'utf8'), 'kept');
  assert.deepEqual(await vol.pruneVolumes(), [], 'prune without --all keeps named volumes');
  await vol.removeVolume('demo_db');
  assert.equal(existsSync(path.join(root, 'volumes', 'demo_db')), false);
  const anon = await vol.createVolume({});
  assert.match(anon.name, /^[0-9a-f]{64}$/);
  assert.ok(anon.anonymous);
  assert.deepEqual(await vol.pruneVolumes(), [anon.name]);
});

test('driver_opts: tmpfs mounted at first use and unmounted after the last; bind to a device dir', { skip: needsRoot }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const v = await vol.createVolume({ name: 'cache', driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=2m,mode=0770' } });
  await vol.acquireVolume('cache', 'a'.repeat(64));
  await vol.acquireVolume('cache', 'b'.repeat(64));
  assert.ok(mounted(v.mountpoint));
  assert.equal(lstatSync(v.mountpoint).mode & 0o7777, 0o770);
  await vol.releaseVolume('cache', 'a'.repeat(64));
  assert.ok(mounted(v.mountpoint), 'still used by b');
  await vol.releaseVolume('cache', 'b'.repeat(64));
  assert.equal(mounted(v.mountpoint), false);
  await vol.removeVolume('cache');

  const device = mkdtempSync(path.join(tmpdir(), 'tsc-vol-dev-'));
  t.after(() => rmSync(device, { recursive: true, force: true }));
  const b = await vol.createVolume({ name: 'bound', driverOpts: { type: 'none', o: 'bind', device } });
  await vol.acquireVolume('bound', 'a'.repeat(64));
  writeFileSync(path.join(b.mountpoint, 'x'), 'through the bind');
  await vol.releaseVolume('bound', 'a'.repeat(64));
  assert.equal(readFileSync(path.join(device, 'x'), 'utf8'), 'through the bind');
  await vol.removeVolume('bound');
  assert.ok(existsSync(path.join(device, 'x')), 'removing the volume never deletes the bound device');
});

test('copy-up keeps owners, modes and links, happens once, and nocopy skips it', { skip: needsRoot }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const img = mkdtempSync(path.join(tmpdir(), 'tsc-img-'));
  t.after(() => rmSync(img, { recursive: true, force: true }));
  mkdirSync(path.join(img, 'conf'));
  writeFileSync(path.join(img, 'conf', 'app.ini'), 'x=1\n');
  writeFileSync(path.join(img, 'secret.key'), 'k');
  symlinkSync('conf/app.ini', path.join(img, 'current'));
  chownSync(path.join(img, 'conf', 'app.ini'), 1234, 2345);
  chmodSync(path.join(img, 'conf', 'app.ini'), 0o640);
  chownSync(path.join(img, 'conf'), 33, 33);
  chmodSync(path.join(img, 'conf'), 0o750);
  chownSync(path.join(img, 'secret.key'), 999, 999);
  chmodSync(path.join(img, 'secret.key'), 0o4700);
  chownSync(img, 70, 70);
  chmodSync(img, 0o700);

  const v = await vol.createVolume({ name: 'pgdata' });
  assert.equal(await vol.populateVolume('pgdata', img), true);
  const st = (p: string) => { const s = lstatSync(path.join(v.mountpoint, p)); return [s.uid, s.gid, s.mode & 0o7777]; };
  assert.deepEqual(st('conf/app.ini'), [1234, 2345, 0o640]);
  assert.deepEqual(st('conf'), [33, 33, 0o750]);
  assert.deepEqual(st('secret.key'), [999, 999, 0o4700]);
  assert.deepEqual(st(''), [70, 70, 0o700], 'the volume root takes the image directory owner and mode');
  assert.equal(readlinkSync(path.join(v.mountpoint, 'current')), 'conf/app.ini');
  assert.equal(readFileSync(path.join(v.mountpoint, 'conf/app.ini'), 'utf8'), 'x=1\n');

  rmSync(path.join(v.mountpoint, 'secret.key'));
  assert.equal(await vol.populateVolume('pgdata', img), false, 'only once');
  assert.equal(existsSync(path.join(v.mountpoint, 'secret.key')), false);

  const n = await vol.createVolume({ name: 'empty' });
  assert.equal(await vol.populateVolume('empty', img, { nocopy: true }), false);
  assert.deepEqual(readdirSync(n.mountpoint), []);
  await vol.removeVolume('pgdata');
  await vol.removeVolume('empty');
});

test('secrets and configs from file, environment and content get the uid, gid and mode asked for', { skip: needsRoot }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const bundle = mkdtempSync(path.join(tmpdir(), 'tsc-bundle-'));
  t.after(() => rmSync(bundle, { recursive: true, force: true }));
  const src = path.join(bundle, 'pw.txt');
  writeFileSync(src, 's3cret');
  const cases = [
    { kind: 'secret' as const, name: 'db_pw', source: { file: src }, uid: 1001, gid: 1002, mode: 0o400, want: 's3cret', target: '/run/secrets/db_pw' },
    { kind: 'secret' as const, name: 'api_key', source: { environment: 'TSC_TEST_KEY' }, uid: 0, gid: 50, mode: 0o440, want: 'from-env', target: '/run/secrets/api_key' },
    { kind: 'config' as const, name: 'nginx.conf', source: { content: 'server {}' }, uid: 101, gid: 101, mode: 0o644, want: 'server {}', target: '/etc/nginx/nginx.conf', asked: '/etc/nginx/nginx.conf' },
    { kind: 'config' as const, name: 'plain', source: { content: 'p' }, want: 'p', target: '/plain' },
  ];
  for (const c of cases) {
    const m = vol.execMaterialiseSecret(bundle, { kind: c.kind, name: c.name, source: c.source, uid: c.uid, gid: c.gid, mode: c.mode, target: c.asked }, { TSC_TEST_KEY: 'from-env' });
    const s = lstatSync(m.hostPath);
    assert.equal(m.target, c.target);
    assert.deepEqual([s.uid, s.gid, s.mode & 0o7777], [c.uid ?? 0, c.gid ?? 0, c.mode ?? 0o444], c.name);
    assert.equal(readFileSync(m.hostPath, 'utf8'), c.want);
  }
});
