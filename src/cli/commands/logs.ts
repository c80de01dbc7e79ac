/**
 * `logs [SERVICE...] [-f] [-n N|all] [--since T] [--until T] [-t] [--no-color] [--no-log-prefix] [--index N]`:
 * the project's container logs, prefixed and colored as docker compose prints them. Without a Compose file,
 * `-p NAME logs` reads whatever carries the project label. -f follows new replicas, recreated containers and
 * restarts until Ctrl-C (or until the project's containers are all removed).
 */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { createLogFormatter, useColor } from '../../logs/log-format.js';
import { checkIndex, collectLogContainers, type LogScope } from '../../logs/log-select.js';
import { streamLogs } from '../../logs/log-stream.js';
import { fixedStamp, parseLogTime } from '../../logs/log-time.js';
import { projectOrName } from './project-or-name.js';

/** Pure: -n/--tail: a count, or "all" (docker also reads a negative count as all). */
export function parseTail(v: unknown): number | undefined {
  if (v === undefined || v === 'all') return undefined;
  const s = String(v).trim();
  if (!/^-?\d+$/.test(s)) throw usageError(`invalid value "${s}" for -n/--tail: want a number of lines or "all"`);
  const n = Number(s);
  return n < 0 ? undefined : n;
}

/** Pure: --index N (0: not given). */
export function parseIndex(v: unknown, services: string[]): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^\d+$/.test(s)) throw usageError(`invalid value "${s}" for --index: want a replica number`);
  const n = Number(s);
  if (n === 0) return undefined;
  if (services.length !== 1) throw usageError('--index requires one service to be selected');
  return n;
}

/**
 * Ctrl-C (or a TERM) ends a follow quietly, the exit code says which signal; so does a reader that went
 * away (`logs -f | head`: EPIPE on stdout).
 */
function abortOnSignals(stdout: NodeJS.WritableStream): { signal: AbortSignal; code: () => number; dispose: () => void } {
  const ac = new AbortController();
  let code = 0;
  const onInt = (): void => { code = 130; ac.abort(); };
  const onTerm = (): void => { code = 143; ac.abort(); };
  const onPipe = (): void => { code = 0; ac.abort(); };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  stdout.on('error', onPipe);
  return { signal: ac.signal, code: () => code, dispose: () => { process.off('SIGINT', onInt); process.off('SIGTERM', onTerm); stdout.off('error', onPipe); } };
}

const logs: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const tail = parseTail(o.tail);
  const index = parseIndex(o.index, ctx.args);
  const now = new Date();
  const since = o.since === undefined || o.since === '' ? undefined : parseLogTime('--since', String(o.since), now);
  const until = o.until === undefined || o.until === '' ? undefined : parseLogTime('--until', String(o.until), now);
  // the project from the Compose file, or only its name (`-p NAME logs` without a file, as docker compose allows)
  const { project, name } = await projectOrName(ctx, ctx.args);
  let services = ctx.args;
  if (project) {
    // services with attach: false stay quiet unless named (docker compose)
    if (services.length === 0) services = Object.entries(project.services).filter(([, s]) => s.attach !== false).map(([n]) => n).sort();
  }
  const scope: LogScope = { project: name, services, index };
  const initial = collectLogContainers(scope);
  checkIndex(initial, scope);

  const isTTY = (ctx.stdout as NodeJS.WriteStream).isTTY === true;
  const fmt = createLogFormatter({ color: useColor({ noColor: o.color === false, ansi: ctx.global.ansi, env: ctx.env, isTTY }), prefix: o.logPrefix !== false, timestamps: o.timestamps === true });
  for (const c of initial) fmt.register(c.name);
  const follow = o.follow === true;
  const signals = follow ? abortOnSignals(ctx.stdout) : undefined;
  try {
    await streamLogs({ scope, initial, tail, since, until, follow, signal: signals?.signal }, {
      line: (c, e) => ctx.stdout.write(fmt.formatLines(c.name, e.log, o.timestamps === true ? fixedStamp(e.time) : undefined)),
      exited: (e) => ctx.stdout.write(fmt.formatStatus(e.container.name, `exited with code ${e.exitCode}${e.restarting ? ' (restarting)' : ''}`)),
    });
  } finally {
    signals?.dispose();
  }
  return signals?.code() ?? 0;
};
export default logs;
