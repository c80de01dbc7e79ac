/** Runs one CLI invocation: parse, import the handler, map errors to messages and exit codes. */
import { parseInvocation, type IO } from './program.js';
import { isUserFacing } from '../errors.js';

export async function runCli(argv: string[], io: IO): Promise<number> {
  try {
    const inv = parseInvocation(argv, io);
    if ('help' in inv) {
      if (inv.help) io.stdout.write(inv.help);
      return 0;
    }
    if (!inv.spec.load) throw new Error(`command ${inv.spec.name} has no handler`);
    const handler = (await inv.spec.load()).default;
    return await handler(inv.ctx);
  } catch (e) {
    return reportError(e, io);
  }
}

export function reportError(e: unknown, io: Pick<IO, 'stderr' | 'env'>): number {
  if (isUserFacing(e)) {
    io.stderr.write(`${e.message}\n`);
    if (e.hint) io.stderr.write(`${e.hint}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`tscompose: internal error (this is a bug; please report it with the lines below)\n${err.stack ?? err.message}\n`);
  return 1;
}
