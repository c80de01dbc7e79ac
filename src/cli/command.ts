/**
 * A command is data plus a handler: its options are declared once (help is derived from them),
 * and its handler module is imported only when the command runs, so start-up stays light.
 */
import type { GlobalOptions } from './global-options.js';

export interface OptionSpec {
  /** commander flags string, e.g. '-q, --quiet' or '--format <format>' */
  flags: string;
  description: string;
  default?: string | boolean | string[];
  /** repeatable value option (collects into an array) */
  repeatable?: boolean;
  /** fixed set of accepted values */
  choices?: readonly string[];
}

export interface CommandContext {
  global: GlobalOptions;
  /** positional arguments after the command name */
  args: string[];
  /** the command's own options, camelCased as commander gives them */
  options: Record<string, unknown>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** What a handler module exports as default: returns the exit code. */
export type CommandHandler = (ctx: CommandContext) => Promise<number>;

export interface CommandSpec {
  name: string;
  /** e.g. '[SERVICE...]' */
  usage?: string;
  summary: string;
  options?: OptionSpec[];
  aliases?: string[];
  /**
   * Options end at the first positional argument, the rest go to the handler untouched (`exec web sh -c x`),
   * as cobra's SetInterspersed(false) does for docker compose's exec and run.
   */
  passThrough?: boolean;
  /** sub-commands (image ls, network rm, ...) */
  subcommands?: CommandSpec[];
  load?: () => Promise<{ default: CommandHandler }>;
}
