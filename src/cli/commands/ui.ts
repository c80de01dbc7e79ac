/**
 * `ui [SERVICE...]`: a live full-screen view of the project's containers and the selected one's logs, with
 * keys to restart, stop/start and pause/unpause (the same plans as those commands). It only watches: quitting
 * leaves every container as it is. The alternate screen is left again on exit, on SIGINT/SIGTERM/SIGHUP and
 * on a crash. Ink and React are imported here only, so no other command pays for loading them.
 */
import type { CommandHandler, CommandContext } from '../command.js';
import { UserError } from '../../errors.js';
import { projectOrName } from './project-or-name.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

/** Pure: both ends must be a terminal (keys come from stdin, the screen goes to stdout). */
export function checkTerminal(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }): void {
  if (stdin.isTTY !== true || stdout.isTTY !== true) throw new UserError('E_NO_TTY', 'ui needs a terminal');
}

/**
 * Ink decides once, when it is first imported, whether it runs under CI (`CI` or `CONTINUOUS_INTEGRATION` set)
 * and then draws only the last frame. ui has already checked that a person's terminal is on both ends, so
 * those variables are hidden while Ink loads and put back right after.
 */
async function withoutCiVariables<T>(load: () => Promise<T>): Promise<T> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

const ui: CommandHandler = async (ctx: CommandContext) => {
  const out = ctx.stdout as NodeJS.WriteStream;
  checkTerminal(process.stdin, out);
  const { name } = await projectOrName(ctx, ctx.args);
  const [{ render }, { createElement }, { App }, { collectRows, followLogTail }, { execUiAction }] = await withoutCiVariables(() => Promise.all([
    import('ink'), import('react'), import('../../ui/app.js'), import('../../ui/collect.js'), import('../../ui/actions.js'),
  ]));
  const scope = { project: name, services: ctx.args };
  const source = {
    rows: () => collectRows(scope),
    followLogs: (row: { log: Parameters<typeof followLogTail>[1] }, n: number, onLine: Parameters<typeof followLogTail>[3], signal: AbortSignal) => followLogTail(name, row.log, n, onLine, signal),
    act: (a: Parameters<typeof execUiAction>[1]) => execUiAction(ctx, a),
  };

  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    try { process.stdin.setRawMode?.(false); } catch { /* stdin already gone */ }
    out.write(LEAVE_ALT);
  };
  // a signal or a crash must not leave the terminal in the alternate screen or raw mode
  const onSignal = (sig: NodeJS.Signals): void => { restore(); process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15)); };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('exit', restore);

  out.write(ENTER_ALT);
  try {
    const size = (): { columns: number; rows: number } => ({ columns: out.columns || 80, rows: out.rows || 24 });
    const app = render(createElement(App, { project: name, source, size: size() }), { stdout: out, exitOnCtrlC: false, patchConsole: false });
    // a resize lays the frame out again for the new size
    const onResize = (): void => app.rerender(createElement(App, { project: name, source, size: size() }));
    out.on('resize', onResize);
    try {
      await app.waitUntilExit();
    } finally {
      out.off('resize', onResize);
      app.unmount();
      app.cleanup();
    }
  } finally {
    restore();
    for (const s of signals) process.off(s, onSignal);
    process.off('exit', restore);
  }
  return 0;
};
export default ui;
