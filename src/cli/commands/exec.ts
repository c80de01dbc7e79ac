/**
 * `exec [-d] [-e K=V]... [-u USER] [-w DIR] [-T] [--privileged] [--index N] SERVICE COMMAND [ARGS...]`:
 * runs a command in a running container of the service (replica 1 first, one-offs last) through the
 * shim's exec helper. With a terminal the shim owns it (raw mode, SIGWINCH → resize of its pty); the CLI
 * exits with the command's exit code.
 */
import type { CommandHandler } from '../command.js';
import { spawnExec } from '../../../runtime/index.js';
import { usageError } from '../../errors.js';
import { parseIndex, pickServiceContainer, planEnvOverrides, planTty } from '../../reconcile/plan-run.js';
import { collectServiceContainers, resolveProject } from './service-container.js';

const isTTY = (s: unknown): boolean => (s as { isTTY?: boolean }).isTTY === true;

const exec: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const [service, ...command] = ctx.args;
  if (!service || command.length === 0) throw usageError('"exec" requires at least 2 arguments', 'Usage: tscompose exec [OPTIONS] SERVICE COMMAND [ARGS...]');
  const index = parseIndex(o.index);
  const detach = o.detach === true;
  const tty = detach ? false : planTty({
    tty: o.tty as boolean | undefined, interactive: true, interactiveExplicit: o.interactive === true,
    stdinIsTTY: isTTY(process.stdin), stdoutIsTTY: isTTY(ctx.stdout),
  });
  const project = await resolveProject(ctx);
  // `-e KEY` passes the project environment's KEY on (the caller's, .env), and nothing when it has none
  const env = Object.entries(planEnvOverrides((o.env as string[] | undefined) ?? [], (k) => project.environment[k])).map(([k, v]) => `${k}=${v}`);
  const target = pickServiceContainer(collectServiceContainers(project.name, service), service, index);
  const child = spawnExec(target.id, command, {
    tty, interactive: !detach, env, user: o.user as string | undefined, workingDir: o.workdir as string | undefined,
    privileged: o.privileged === true, stdio: detach ? 'ignore' : 'inherit', detached: detach,
  });
  if (detach) {
    child.unref();
    return 0;
  }
  return waitChild(child);
};
export default exec;

/**
 * The command's exit code. Signals meant for the command reach the shim directly when they come from the
 * terminal (same process group); the CLI must not die of them first, and passes on those sent to it alone.
 */
function waitChild(child: ReturnType<typeof spawnExec>): Promise<number> {
  const ignore = () => undefined;
  const forward = (sig: NodeJS.Signals) => () => { child.kill(sig); };
  const handlers: Array<[NodeJS.Signals, () => void]> = [['SIGINT', ignore], ['SIGQUIT', ignore], ['SIGTERM', forward('SIGTERM')], ['SIGHUP', forward('SIGHUP')]];
  for (const [sig, h] of handlers) process.on(sig, h);
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
  }).finally(() => {
    for (const [sig, h] of handlers) process.off(sig, h);
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return (signal && table[signal]) ?? 1;
}
