/**
 * e2e (root): stdin for containers without a terminal (shim.json "stdin": {"open", "once"}, ctl op "stdin").
 * `once` (run's StdinOnce): input sent before the start waits in the pipe, 1 MiB goes through while the
 * container writes as much back (no deadlock), the client's EOF is the container's EOF, and the stdin cannot
 * be reattached after. Without `once` (stdin_open): the container keeps reading, a client's EOF only ends
 * that client, a second client reaches the same process, a restarted run gets a fresh pipe the connected
 * client feeds. Without "stdin": /dev/null as before, op refused.
 * The `once` case also runs under runtime runc (runc passes the pipe's read end on as fd 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { destroy, isMine, leftovers, logText, makeBundle, makeRootfs, makeTestRoot, processAlive, readLog, readState, shim, waitExited, waitFor, waitState, type Bundle, type BundleOpts } from './shim-fixture.js';

let root = '';
let rootfs = '';
function setup(): void {
  if (root) return;
  root = makeTestRoot('shimstdin');
  rootfs = makeRootfs(root);
}
const runcPath = spawnSync('sh', ['-c', 'command -v runc'], { encoding: 'utf8' }).stdout.trim();

interface Ctl { sock: net.Socket; reply: Record<string, unknown>; closed: Promise<void> }

/** A ctl.sock connection with one request sent and its reply line read; the socket stays open. */
function ctlOpen(b: Bundle, req: object): Promise<Ctl> {
  const dirFd = fs.openSync(b.dir, 'r');
  const sock = net.connect(`/proc/self/fd/${dirFd}/ctl.sock`);
  const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.off('data', onData);
      resolve({ sock, reply: JSON.parse(buf.slice(0, nl)) as Record<string, unknown>, closed });
    };
    sock.on('data', onData);
    sock.on('error', reject);
    sock.on('connect', () => fs.closeSync(dirFd));
    sock.write(`${JSON.stringify(req)}\n`);
  });
}

const made: Bundle[] = [];
function bundle(t: { after: (fn: () => void) => void }, o: BundleOpts): Bundle {
  const b = makeBundle(root, rootfs, o);
  made.push(b);
  t.after(() => destroy(b));
  return b;
}

const stdout = (b: Bundle): string => readLog(b).filter((l) => l.stream === 'stdout').map((l) => l.log).join('');

/** 1 MiB of numbered lines: a lost or reordered chunk shows in the comparison. */
function bigInput(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 1 << 20; i++) { const l = `line ${String(i).padStart(8, '0')} ${'x'.repeat(40)}\n`; lines.push(l); size += l.length; }
  return lines.join('').slice(0, 1 << 20);
}

async function onceScenario(t: { after: (fn: () => void) => void }, runtime: 'shim' | 'runc'): Promise<void> {
  const shimOpts = { stdin: { open: true, once: true }, ...(runtime === 'runc' ? { runtime: 'runc', runcPath } : {}) };
  const b = bundle(t, { args: ['sh', '-c', 'read x; echo "got:$x"; cat; echo done >&2'], shim: shimOpts });
  assert.equal(shim(['create', b.dir]).code, 0);
  // attached before the start: nothing written now may be lost
  const c = await ctlOpen(b, { op: 'stdin' });
  assert.deepEqual(c.reply, { ok: true, once: true });
  const big = bigInput();
  c.sock.write('abc\n');
  c.sock.end(big);
  const start = shim(['start', b.dir]);
  assert.equal(start.code, 0, start.stderr);
  const s = await waitExited(b, 120_000);
  assert.equal(s.exitCode, 0, `${runtime}: exit code`);
  await c.closed;
  const out = stdout(b);
  assert.ok(out.startsWith('got:abc\n'), `${runtime}: first line read by sh: ${out.slice(0, 40)}`);
  assert.equal(out.length - 'got:abc\n'.length, big.length, `${runtime}: every byte came back through cat`);
  assert.ok(out.slice('got:abc\n'.length) === big, `${runtime}: the bytes came back in order`);
  const stderr = readLog(b).filter((l) => l.stream === 'stderr').map((l) => l.log).join('');
  assert.equal(stderr, 'done\n', `${runtime}: cat saw EOF when the client ended`);
}

test('shim stdin once: written before start, 1 MiB through cat both ways, EOF ends it (shim and runc)', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  await onceScenario(t, 'shim');
  if (runcPath) await onceScenario(t, 'runc');
  else t.diagnostic('runc is not installed: the runc case did not run');

  // an immediate EOF (`run ... </dev/null`): cat exits at once; the stdin cannot be reattached after
  const e = bundle(t, { args: ['sh', '-c', 'cat; echo eof; sleep 30'], shim: { stdin: { open: true, once: true } } });
  assert.equal(shim(['run', e.dir]).code, 0);
  const c = await ctlOpen(e, { op: 'stdin' });
  assert.equal(c.reply.ok, true);
  c.sock.end();
  await c.closed;
  await waitFor('cat to see EOF', () => logText(e).includes('eof\n'));
  const again = await ctlOpen(e, { op: 'stdin' });
  assert.equal(again.reply.ok, false);
  assert.match(String(again.reply.error), /closed/);
  again.sock.destroy();
  assert.equal(shim(['kill', e.dir, '9']).code, 0);
  await waitExited(e);
});

test('shim stdin open without once: keeps reading across clients; absent: /dev/null and refused', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  setup();
  await withLeakCheck(t, { only: (e) => isMine(e, root) });
  const b = bundle(t, { args: ['sh', '-c', 'while read l; do echo "in:$l"; done; echo eof'], shim: { stdin: { open: true, once: false } } });
  assert.equal(shim(['run', b.dir]).code, 0);
  const first = await ctlOpen(b, { op: 'stdin' });
  assert.deepEqual(first.reply, { ok: true, once: false });
  first.sock.end('one\n');
  await first.closed;
  await waitFor('the first client\'s line', () => stdout(b).includes('in:one\n'));
  // the first client's EOF did not close the container's stdin: still reading, and a second client reaches it
  const st = readState(b)!;
  assert.equal(st.status, 'running');
  assert.ok(processAlive(st.pid));
  const second = await ctlOpen(b, { op: 'stdin' });
  assert.equal(second.reply.ok, true);
  second.sock.write('two\n');
  await waitFor('the second client\'s line', () => stdout(b).includes('in:two\n'));
  assert.ok(!stdout(b).includes('eof'), 'the loop never saw EOF');
  second.sock.destroy();
  assert.equal(shim(['kill', b.dir, '9']).code, 0);
  assert.equal((await waitExited(b)).exitCode, 137);

  // a restart gets a fresh pipe, and a client still connected feeds it
  const rb = bundle(t, { args: ['sh', '-c', 'read l; echo "run:$l"; exit 1'], shim: { stdin: { open: true, once: false }, restart: { policy: 'on-failure', maxRetries: 1 } } });
  assert.equal(shim(['run', rb.dir]).code, 0);
  const feeder = await ctlOpen(rb, { op: 'stdin' });
  assert.equal(feeder.reply.ok, true);
  feeder.sock.write('a\n');
  await waitFor('the first run\'s line', () => stdout(rb).includes('run:a\n'));
  await waitState(rb, (st) => st.restartCount === 1 && st.status === 'running', 'the restart', 30_000);
  feeder.sock.write('b\n');
  const rs = await waitExited(rb);
  assert.equal(rs.exitCode, 1);
  assert.equal(stdout(rb), 'run:a\nrun:b\n', 'the restarted run read the same client\'s next line');
  feeder.sock.destroy();

  // without "stdin" in shim.json: cat reads /dev/null and exits 0 at once; the op is refused
  const n = bundle(t, { args: ['sh', '-c', 'cat; echo eof; sleep 30'] });
  assert.equal(shim(['run', n.dir]).code, 0);
  await waitFor('cat on /dev/null to end', () => logText(n).includes('eof\n'));
  const refused = await ctlOpen(n, { op: 'stdin' });
  assert.equal(refused.reply.ok, false);
  assert.match(String(refused.reply.error), /no open stdin/);
  refused.sock.destroy();
  assert.equal(shim(['kill', n.dir, '9']).code, 0);
  await waitExited(n);

  // a terminal's input is the pty: stdin.open with terminal is refused at create
  const tt = bundle(t, { args: ['true'], terminal: true, shim: { stdin: { open: true, once: false } } });
  const r = shim(['create', tt.dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /stdin\.open is for containers without a terminal/);
  assert.equal(readState(tt), undefined, 'a refused create writes no state');
});

test('shim stdin: leaves no mounts or cgroups behind', { skip: needsRoot }, () => {
  for (const b of made) assert.deepEqual(leftovers(b), []);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});
