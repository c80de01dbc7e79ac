/**
 * Talking to the shim: its command line (`tscompose-shim create|start|run B`) and its control socket
 * (one JSON line per connection, one JSON line back). See native/shim/PROTOCOL.md.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { shimPath } from '../sys/native.js';
import { RuntimeError } from '../errors.js';

export interface ShimRun { code: number; stdout: string; stderr: string }

export function execShim(args: string[], opts: { timeoutMs?: number } = {}): Promise<ShimRun> {
  return new Promise((resolve, reject) => {
    // stdio of the detached monitor goes to /dev/null (the shim does it); we only read this invocation's output
    const child = spawn(shimPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new RuntimeError('E_INSTALL', `the container shim is not built: ${shimPath()} is missing`, { hint: 'run `npm run build` in the tscompose folder' }));
      } else reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr });
    });
  });
}

/** Runs a shim command and turns a failure into a RuntimeError carrying the shim's own message. */
export async function execShimChecked(verb: string, bundleDir: string, timeoutMs?: number): Promise<void> {
  const r = await execShim([verb, bundleDir], { timeoutMs });
  if (r.code !== 0) {
    const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `tscompose-shim ${verb} exited with code ${r.code}`;
    throw new RuntimeError('E_SHIM', msg.replace(/^tscompose-shim:\s*/, ''));
  }
}

export interface CtlReply { ok: boolean; error?: string; [k: string]: unknown }

/**
 * A socket path longer than sun_path (108 bytes) cannot be connected to directly, and a bundle under a deep
 * TSCOMPOSE_ROOT easily is: go through /proc/self/fd/<dir fd>/ctl.sock, a short name for the same file.
 * The directory fd stays open until the connect has finished (Node may connect after this call returns).
 */
export function connectCtl(sock: string): net.Socket {
  if (Buffer.byteLength(sock) < 100) return net.createConnection(sock);
  const dfd = openSync(path.dirname(sock), 'r');
  const conn = net.createConnection(`/proc/self/fd/${dfd}/${path.basename(sock)}`);
  let closed = false;
  const release = (): void => { if (!closed) { closed = true; closeSync(dfd); } };
  conn.once('connect', release);
  conn.once('error', release);
  conn.once('close', release);
  return conn;
}

export function ctlRequest(sock: string, req: Record<string, unknown>, timeoutMs = 60_000): Promise<CtlReply> {
  return new Promise((resolve, reject) => {
    const conn = connectCtl(sock);
    let buf = '';
    const timer = setTimeout(() => { conn.destroy(); reject(new RuntimeError('E_SHIM_TIMEOUT', `control socket did not answer ${String(req.op)} within ${timeoutMs} ms`)); }, timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        conn.end();
        try { resolve(JSON.parse(buf.slice(0, nl)) as CtlReply); } catch { reject(new RuntimeError('E_SHIM_PROTOCOL', `control socket replied with invalid JSON: ${buf.slice(0, 200)}`)); }
      }
    });
    conn.on('error', (e) => { clearTimeout(timer); reject(e); });
    conn.on('end', () => {
      clearTimeout(timer);
      if (!buf.includes('\n')) {
        if (buf.trim()) { try { resolve(JSON.parse(buf) as CtlReply); return; } catch { /* fall through */ } }
        reject(new RuntimeError('E_SHIM_PROTOCOL', `control socket closed without a reply to ${String(req.op)}`));
      }
    });
  });
}
