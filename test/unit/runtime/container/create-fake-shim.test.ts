/**
 * create/list/inspect/wait/remove against a stand-in shim (TSCOMPOSE_SHIM), so the bundle handling, the
 * cleanup of a failed create and the shim-died repair are tested without root. The stand-in follows the
 * protocol's contract only as far as these tests need: it writes state.json and exits.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-fakeshim-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
process.env.TSCOMPOSE_ROOT = path.join(root, 'state');
const fakeShim = path.join(root, 'fake-shim');
// FAKE_MODE picks the behaviour: fail (like a refused mount), or exited (the container ran and exited 7),
// or lost (state says running, but the shim pid recorded is one that no longer exists)
fs.writeFileSync(fakeShim, `#!/bin/sh
verb="$1"; b="$2"
case "$FAKE_MODE" in
  fail) echo "tscompose-shim: rootfs: mount overlay: Operation not permitted" >&2; exit 1 ;;
  exited) printf '{"id":"%s","status":"exited","pid":0,"pidStartTime":0,"shimPid":0,"shimStartTime":0,"exitCode":7,"signal":null,"oomKilled":false,"startedAt":"2026-01-01T00:00:00.000000001Z","finishedAt":"2026-01-01T00:00:01Z","restartCount":0,"stopRequested":false,"error":null,"health":null}' "$(basename "$b")" > "$b/state.json" ;;
  lost) printf '{"id":"%s","status":"running","pid":999999999,"pidStartTime":5,"shimPid":999999998,"shimStartTime":5,"exitCode":null,"signal":null,"oomKilled":false,"startedAt":"2026-01-01T00:00:00Z","finishedAt":null,"restartCount":0,"stopRequested":false,"error":null,"health":null}' "$(basename "$b")" > "$b/state.json" ;;
esac
`, { mode: 0o755 });
process.env.TSCOMPOSE_SHIM = fakeShim;

const rt = await import('../../../../runtime/index.js');
const { baseSpec } = await import('./fixtures.js');

const rootfs = path.join(root, 'rootfs');
fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\n');

function spec(name: string) {
  const id = randomBytes(32).toString('hex');
  return baseSpec({ id, name, labels: { 'test.name': name }, image: { ...baseSpec().image, lowerDirs: [rootfs], plain: true }, hostsFile: { content: '127.0.0.1 localhost\n' } });
}

test('a create the shim refuses names the container and the cause, and leaves no bundle', async () => {
  process.env.FAKE_MODE = 'fail';
  const s = spec('fails-1');
  await assert.rejects(rt.createContainer(s), (e: Error) => e.message === 'create container "fails-1": rootfs: mount overlay: Operation not permitted');
  assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
  assert.equal(rt.listContainers().some((c) => c.name === 'fails-1'), false);
});

test('a bad spec fails before anything is written', async () => {
  const s = { ...spec('bad-1'), user: 'nobody-here' };
  await assert.rejects(rt.createContainer(s), /create container "bad-1": unable to find user nobody-here/);
  assert.equal(fs.existsSync(path.join(rt.paths().containers, s.id)), false);
  await assert.rejects(rt.createContainer({ ...spec('x'), name: 'has space' }), /invalid name/);
});

test('a created bundle holds config.json, shim.json, meta.json and the /etc files; names are unique', async () => {
  process.env.FAKE_MODE = 'exited';
  const s = spec('ok-1');
  await rt.createContainer(s);
  const dir = path.join(rt.paths().containers, s.id);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['config.json', 'hosts', 'meta.json', 'shim.json', 'state.json']);
  assert.equal((JSON.parse(fs.readFileSync(path.join(dir, 'shim.json'), 'utf8')) as { name: string }).name, 'ok-1');
  assert.equal(fs.statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600);
  await assert.rejects(rt.createContainer({ ...spec('ok-1') }), /create container "ok-1": the name is already in use by container [0-9a-f]{12}/);
  const [row] = rt.listContainers({ labels: ['test.name=ok-1'] });
  assert.equal(row?.status, 'exited');
  assert.deepEqual(await rt.waitContainer('ok-1', { timeoutMs: 1000 }), { exitCode: 7, signal: null, oomKilled: false, error: null });
  const info = rt.inspectContainer(s.id.slice(0, 8)) as { State: { ExitCode: number; StartedAt: string }; Path: string };
  assert.equal(info.State.ExitCode, 7);
  assert.equal(info.Path, 'sh');
  await rt.removeContainer('ok-1');
  assert.equal(fs.existsSync(dir), false);
  await assert.rejects(rt.removeContainer('ok-1'), /remove container "ok-1": no such container/);
});

test('a container whose shim vanished reads as exited 137 with an error, and the verdict is persisted', async () => {
  process.env.FAKE_MODE = 'lost';
  const s = spec('lost-1');
  await rt.createContainer(s);
  const [row] = rt.listContainers({ labels: ['test.name=lost-1'] });
  assert.equal(row?.status, 'exited');
  assert.equal(row?.state?.exitCode, 137);
  const onDisk = JSON.parse(fs.readFileSync(path.join(rt.paths().containers, s.id, 'state.json'), 'utf8')) as { status: string; error: string };
  assert.equal(onDisk.status, 'exited');
  assert.match(onDisk.error, /shim\) died/);
  await rt.removeContainer('lost-1');
});
