/**
 * e2e (root): a tty container (the shim keeps the pty master: output logged, attach and resize over
 * ctl.sock, reached from Node through /proc/self/fd/N/ctl.sock), and a container joining another one's
 * network and pid namespaces by path (network_mode/pid: container:).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { destroy, isMine, leftovers, logText, makeBundle, makeRootfs, makeTestRoot, readState, runToExit, shim, waitExited, waitFor, type Bundle } from './shim-fixture.js';

let root = '';
let rootfs = '';
const made: Bundle[] = [];
function setup(): void {
  if (root) return;
  root = makeTestRoot('shimtty');
  rootfs = makeRootfs(root);
}

/** Connects to B/ctl.sock the way the TS side should: through an fd of the bundle dir (short path). */
function ctlConnect(b: Bundle): { sock: net.Socket; close: () => void } {
  const dirFd = fs.openSync(b.dir, 'r');
  const sock = net.connect(`/proc/self/fd/${dirFd}/ctl.sock`);
  return { sock, close: () => { sock.destroy(); fs.closeSync(dirFd); } };
}

function ctlOnce(b: Bundle, req: object): Promise<any> {
  const { sock, close } = ctlConnect(b);
  return new Promise((resolve, reject) => {
    let buf = '';
    sock.on('data', (d) => { buf += d; if (buf.includes('\n')) { close(); resolve(JSON.parse(buf.split('\n')[0]!)); } });
    sock.on('error', (e) => { close(); reject(e); });
    sock.write(`${JSON.stringify(req)}\n`);
  });
}

test('shim tty: output is logged, attach carries input, resize reaches the process', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const b = makeBundle(root, rootfs, { args: ['sh', '-c', 'tty; read line; stty size; echo "got=$line"'], terminal: true });
  made.push(b);
  t.after(() => destroy(b));
  const r = shim(['run', b.dir]);
  assert.equal(r.code, 0, r.stderr);
  await waitFor('tty output in the log', () => /\/dev\/pts\/\d+/.test(logText(b)));
  const { sock, close } = ctlConnect(b);
  t.after(close);
  let seen = '';
  sock.on('data', (d) => (seen += d));
  sock.write('{"op":"attach"}\n');
  await waitFor('the attach reply', () => seen.includes('{"ok":true}'));
  assert.deepEqual(await ctlOnce(b, { op: 'resize', rows: 33, cols: 111 }), { ok: true });
  sock.write('hello\n');
  const s = await waitExited(b);
  assert.equal(s.exitCode, 0);
  await waitFor('output through attach', () => seen.includes('got=hello'));
  assert.match(seen, /33 111/);
  assert.match(logText(b), /33 111\r\n/, 'the log has the terminal output (CRLF, as docker logs a tty)');
  const noTty = makeBundle(root, rootfs, { args: ['sleep', '30'] });
  made.push(noTty);
  t.after(() => destroy(noTty));
  assert.equal(shim(['run', noTty.dir]).code, 0);
  const refused = await ctlOnce(noTty, { op: 'attach' });
  assert.equal(refused.ok, false);
  assert.match(refused.error, /terminal/);
  assert.equal(shim(['kill', noTty.dir, '9']).code, 0);
  await waitExited(noTty);
});

test('shim: joining another container\'s network and pid namespaces by path', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const a = makeBundle(root, rootfs, { args: ['sleep', '100'] });
  made.push(a);
  t.after(() => destroy(a));
  assert.equal(shim(['run', a.dir]).code, 0);
  const pid = readState(a)!.pid;
  const netns = fs.readlinkSync(`/proc/${pid}/ns/net`);
  const { b, out, state } = await runToExit(root, rootfs, {
    args: ['sh', '-c', 'echo "net=$(readlink /proc/self/ns/net)"; echo "pid1=$(cat /proc/1/comm)"'],
    edit: (c) => {
      c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) =>
        n.type === 'network' ? { type: 'network', path: `/proc/${pid}/ns/net` } : n.type === 'pid' ? { type: 'pid', path: `/proc/${pid}/ns/pid` } : n);
    },
  });
  made.push(b);
  t.after(() => destroy(b));
  assert.equal(state.exitCode, 0, out + (state.error ?? ''));
  assert.match(out, new RegExp(`^net=${netns.replace(/[[\]]/g, '\\$&')}$`, 'm'), 'same network namespace');
  assert.match(out, /^pid1=sleep$/m, 'sees the other container\'s pid 1');
  assert.equal(readState(a)!.status, 'running', 'the first container is unaffected by the second\'s exit');
  assert.equal(shim(['kill', a.dir, '9']).code, 0);
  await waitExited(a);
});

test('shim tty/ns: leaves no mounts or cgroups behind', { skip: needsRoot }, () => {
  for (const b of made) assert.deepEqual(leftovers(b), []);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

