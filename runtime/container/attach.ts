/**
 * attach and resize for containers with a terminal (tty: true). The shim keeps the pty master (Node cannot
 * receive it over SCM_RIGHTS); after {"op":"attach"} and its {"ok":true} line, the control connection is the
 * raw terminal stream in both directions.
 * attachStdin: for containers without a terminal made with stdinOpen, {"op":"stdin"} turns the connection
 * into a byte stream into the container's stdin pipe; ending it (EOF) closes that stdin when the container
 * was made with stdinOnce (`run`), else it only ends this attach.
 */
import type net from 'node:net';
import { RuntimeError } from '../errors.js';
import { openContainer } from './lookup.js';
import { connectCtl, ctlRequest } from './shim-client.js';

export function attachContainer(ref: string, timeoutMs = 10_000): Promise<net.Socket> {
  return openStream(ref, 'attach', 'attach to', timeoutMs);
}

/**
 * A writable stream into the container's stdin (it needs stdinOpen and no tty). Attach it before the start
 * (as `run` does): what is written waits in the pipe until the process reads it. The shim closes the socket
 * when the stdin closes for good or the container exits; the caller should stop writing then.
 */
export function attachStdin(ref: string, timeoutMs = 10_000): Promise<net.Socket> {
  return openStream(ref, 'stdin', 'attach stdin to', timeoutMs);
}

function openStream(ref: string, op: 'attach' | 'stdin', verb: string, timeoutMs: number): Promise<net.Socket> {
  const c = openContainer(ref, verb);
  const ctx = `${verb} container "${c.meta.name}"`;
  // a created container has its terminal (or stdin pipe) already: attaching before the start (as `run` does) loses nothing
  if (c.status !== 'running' && c.status !== 'created') return Promise.reject(new RuntimeError('E_CONTAINER_NOT_RUNNING', `${ctx}: the container is ${c.status}`));
  return new Promise((resolve, reject) => {
    const conn = connectCtl(c.bundle.ctl);
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => { conn.destroy(); reject(new RuntimeError('E_SHIM_TIMEOUT', `${ctx}: the shim did not answer`)); }, timeoutMs);
    const onData = (d: Buffer): void => {
      head = Buffer.concat([head, d]);
      const nl = head.indexOf(0x0a);
      if (nl < 0) return;
      clearTimeout(timer);
      conn.off('data', onData);
      conn.off('error', onError);
      let reply: { ok?: boolean; error?: string };
      try { reply = JSON.parse(head.subarray(0, nl).toString('utf8')) as typeof reply; } catch { reply = { ok: false, error: 'invalid reply' }; }
      if (!reply.ok) { conn.destroy(); reject(new RuntimeError('E_ATTACH', `${ctx}: ${reply.error ?? 'refused'}`)); return; }
      conn.pause();
      const rest = head.subarray(nl + 1);
      if (rest.length > 0) conn.unshift(rest); // terminal output that arrived with the reply
      resolve(conn);
    };
    const onError = (e: Error): void => { clearTimeout(timer); reject(new RuntimeError('E_ATTACH', `${ctx}: ${e.message}`, { cause: e })); };
    conn.on('data', onData);
    conn.on('error', onError);
    conn.on('connect', () => conn.write(`{"op":"${op}"}\n`));
  });
}

export async function resizeContainer(ref: string, rows: number, cols: number): Promise<void> {
  const c = openContainer(ref, 'resize');
  const reply = await ctlRequest(c.bundle.ctl, { op: 'resize', rows, cols }, 10_000);
  if (!reply.ok) throw new RuntimeError('E_RESIZE', `resize container "${c.meta.name}": ${reply.error ?? 'refused'}`);
}
