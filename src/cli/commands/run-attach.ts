/**
 * `run` in the foreground: the CLI's terminal joined to the one-off container until it exits.
 * With a pty (tty: true) the shim keeps the master and serves it over its control socket: the CLI attaches
 * before the start (so the first prompt is not lost), puts its own terminal in raw mode, forwards keys
 * and window sizes, and copies the output. Without one the container's log is followed (stdout and
 * stderr kept apart) and the CLI's signals are passed on to the container, as docker compose does; with -i
 * (the default) the CLI's stdin is piped into the container's, and its EOF is the container's (StdinOnce).
 */
import type { Socket } from 'node:net';
import type { ReadStream, WriteStream } from 'node:tty';
import { attachContainer, attachStdin, killContainer, readLogs, resizeContainer, startContainer, waitContainer } from '../../../runtime/index.js';

export interface Streams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** rows × cols of whichever of our streams is a terminal (stdout first: it is what the user sees). */
function terminalSize(io: Streams): { rows: number; cols: number } | undefined {
  for (const s of [io.stdout, io.stdin] as unknown as Array<WriteStream | ReadStream>) {
    if (!s.isTTY) continue;
    if ('getWindowSize' in s && typeof s.getWindowSize === 'function') {
      const [cols, rows] = s.getWindowSize();
      if (rows > 0 && cols > 0) return { rows, cols };
    }
  }
  return undefined;
}

/** Starts the created container with our terminal attached (then `afterStart`: post_start hooks); resolves with its exit code. */
export async function execRunWithTerminal(id: string, io: Streams, interactive: boolean, afterStart: () => Promise<void>): Promise<number> {
  const conn: Socket = await attachContainer(id);
  const closed = new Promise<void>((resolve) => { conn.on('close', () => resolve()); conn.on('error', () => resolve()); });
  conn.on('data', (d: Buffer) => io.stdout.write(d));
  conn.resume();
  const resize = () => {
    const size = terminalSize(io);
    if (size) resizeContainer(id, size.rows, size.cols).catch(() => undefined); // the container may be gone already
  };
  resize();
  process.on('SIGWINCH', resize);
  const stdin = io.stdin;
  const raw = interactive && stdin.isTTY === true;
  const onKey = (d: Buffer) => { if (!conn.destroyed) conn.write(d); };
  if (interactive) {
    if (raw) stdin.setRawMode(true);
    stdin.on('data', onKey);
    stdin.resume();
  }
  try {
    await startContainer(id);
    await afterStart();
    await closed;
    return (await waitContainer(id)).exitCode;
  } finally {
    process.off('SIGWINCH', resize);
    if (interactive) {
      stdin.off('data', onKey);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
    }
    conn.destroy();
  }
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * Pipes `stdin` into the container's stdin (a container without a terminal made with stdinOpen), with
 * backpressure; our EOF ends the stream (half-close), which closes the container's stdin when it was made
 * with stdinOnce. A terminal in cooked mode gives lines, as docker forwards them. Returns the stop to call
 * once the container has exited: our stdin may still be open, and the CLI must not wait for it.
 */
export async function execForwardStdin(id: string, stdin: NodeJS.ReadStream): Promise<() => void> {
  const sock = await attachStdin(id);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stdin.unpipe(sock);
    stdin.pause();
    sock.destroy();
  };
  // the shim closes the stream when the container's stdin is gone for good: what is left is not read
  sock.on('close', stop);
  sock.on('error', stop);
  sock.resume(); // nothing comes back on it; reading lets us see the close
  stdin.pipe(sock);
  return stop;
}

/**
 * Starts the created container and prints its output as it comes; resolves with its exit code. With
 * `forwardStdin` our stdin is attached before the start, so no byte of it is lost.
 */
export async function execRunWithLogs(id: string, io: Streams, afterStart: () => Promise<void>, forwardStdin = false): Promise<number> {
  const handlers = FORWARDED.map((sig): [NodeJS.Signals, () => void] => [sig, () => { killContainer(id, sig).catch(() => undefined); }]);
  for (const [sig, h] of handlers) process.on(sig, h);
  let stopStdin: (() => void) | undefined;
  try {
    if (forwardStdin) stopStdin = await execForwardStdin(id, io.stdin);
    await startContainer(id);
    await afterStart();
    // follow ends once the container has exited for good and its last lines are read
    for await (const e of readLogs(id, { follow: true, pollMs: 50 })) (e.stream === 'stderr' ? io.stderr : io.stdout).write(e.log);
    return (await waitContainer(id)).exitCode;
  } finally {
    stopStdin?.();
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}
