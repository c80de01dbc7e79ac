/**
 * `attach [--index N] [--no-stdin] [--sig-proxy] [--detach-keys KEYS] SERVICE`: the terminal of a
 * service's running container (tty: true) in both directions — raw mode, resize, detach keys — or, without
 * a terminal, its output as it comes (stdout and stderr kept apart) with Ctrl-C passed on to the container
 * (--sig-proxy), and our stdin piped into the container's when it was made with stdin_open (not with
 * --no-stdin; our EOF ends only this attach, the container's stdin stays open). Returns the container's
 * exit code when it exits; 0 after a detach.
 */
import type { CommandContext, CommandHandler } from '../command.js';
import { UserError, usageError } from '../../errors.js';
import { attachContainer, inspectContainer, killContainer, readLogs, resizeContainer, waitContainer } from '../../../runtime/index.js';
import { createDetachMatcher, DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../logs/detach-keys.js';
import { collectLogContainers, hasExited, type LogContainer } from '../../logs/log-select.js';
import { formatNanos } from '../../logs/log-time.js';
import { parseIndex } from './logs.js';
import { projectOrName } from './project-or-name.js';
import { execForwardStdin } from './run-attach.js';

/** Pure: --sig-proxy's value (a bare flag is true, as docker's bool flags). */
export function parseSigProxy(v: unknown): boolean {
  if (v === undefined || v === true) return true;
  const s = String(v).toLowerCase();
  if (['true', '1', 't'].includes(s)) return true;
  if (['false', '0', 'f'].includes(s)) return false;
  throw usageError(`invalid value "${String(v)}" for --sig-proxy: want true or false`);
}

/** The replica to attach to: --index N, else the lowest-numbered running one. */
function selectContainer(project: string, service: string, index: number | undefined): LogContainer {
  const running = collectLogContainers({ project, services: [service], index }).filter((c) => !hasExited(c.summary) && c.summary.status !== 'created');
  const c = running[0];
  if (!c) throw new UserError('E_NO_CONTAINER', index !== undefined ? `service "${service}" is not running container #${index}` : `service "${service}" is not running`);
  return c;
}

async function exitCodeOf(id: string): Promise<number> {
  try {
    return (await waitContainer(id, { timeoutMs: 10_000 })).exitCode;
  } catch {
    return 0; // still running (the terminal closed for another reason) or removed meanwhile
  }
}

async function attachTerminal(ctx: CommandContext, c: LogContainer, o: { stdin: boolean; detachKeys: number[] }): Promise<number> {
  const sock = await attachContainer(c.id);
  const stdin = process.stdin;
  const out = ctx.stdout as NodeJS.WriteStream;
  const resize = (): void => { if (out.isTTY) void resizeContainer(c.id, out.rows, out.columns).catch(() => undefined); };
  resize();
  process.on('SIGWINCH', resize);
  const matcher = createDetachMatcher(o.detachKeys);
  let detached = false;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  const onInput = (d: Buffer): void => {
    const { pass, detach } = matcher.feed(d);
    if (pass.length > 0) sock.write(pass);
    if (detach) { detached = true; sock.destroy(); }
  };
  if (o.stdin) {
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', onInput);
    stdin.resume();
  }
  try {
    await new Promise<void>((resolve) => {
      sock.on('data', (d: Buffer) => out.write(d));
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
      sock.resume();
    });
  } finally {
    process.off('SIGWINCH', resize);
    if (o.stdin) {
      stdin.off('data', onInput);
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      stdin.pause();
    }
  }
  if (detached) { ctx.stderr.write('read escape sequence\n'); return 0; }
  return exitCodeOf(c.id);
}

async function attachOutput(ctx: CommandContext, c: LogContainer, sigProxy: boolean, stdin: boolean): Promise<number> {
  const forward = (sig: NodeJS.Signals) => (): void => void killContainer(c.id, sig).catch(() => undefined);
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, forward(s)] as const);
  if (sigProxy) for (const [s, h] of handlers) process.on(s, h);
  let stopStdin: (() => void) | undefined;
  try {
    // a stdin that is gone (a one-off's, closed by its first attach) still leaves the output to follow
    if (stdin) stopStdin = await execForwardStdin(c.id, process.stdin).catch((e: Error) => { ctx.stderr.write(`${e.message}\n`); return undefined; });
    // from now on, as an attach sees it; the reader ends when the container exits for good
    for await (const e of readLogs(c.id, { follow: true, since: formatNanos(BigInt(Date.now()) * 1_000_000n) })) {
      (e.stream === 'stderr' ? ctx.stderr : ctx.stdout).write(e.log);
    }
  } finally {
    stopStdin?.();
    for (const [s, h] of handlers) process.off(s, h);
  }
  return exitCodeOf(c.id);
}

const attach: CommandHandler = async (ctx) => {
  const o = ctx.options;
  if (ctx.args.length !== 1) throw usageError('attach requires exactly 1 argument: SERVICE');
  const service = ctx.args[0]!;
  const index = parseIndex(o.index, ctx.args);
  const sigProxy = parseSigProxy(o.sigProxy);
  const detachKeys = parseDetachKeys(typeof o.detachKeys === 'string' ? o.detachKeys : DEFAULT_DETACH_KEYS);
  const { name } = await projectOrName(ctx, [service]);
  const c = selectContainer(name, service, index);
  const config = (inspectContainer(c.id).Config ?? {}) as { Tty?: boolean; OpenStdin?: boolean };
  const tty = config.Tty === true;
  return tty ? attachTerminal(ctx, c, { stdin: o.stdin !== false, detachKeys }) : attachOutput(ctx, c, sigProxy, o.stdin !== false && config.OpenStdin === true);
};
export default attach;
