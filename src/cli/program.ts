/**
 * Builds the commander program from the command table, with docker compose's global options.
 * Parsing is separate from running so tests can drive it in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import { commands } from './commands/index.js';
import type { CommandContext, CommandSpec, OptionSpec } from './command.js';
import { resolveGlobalOptions, type GlobalFlags } from './global-options.js';
import { usageError } from '../errors.js';

export interface Invocation {
  spec: CommandSpec;
  ctx: CommandContext;
}

export interface IO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function toOption(o: OptionSpec): Option {
  const opt = new Option(o.flags, o.description);
  // `--no-attach <service>` takes a value: its own option (noAttach), not the negation of --attach
  if (opt.negate && (opt.required || opt.optional)) opt.negate = false;
  if (o.choices) opt.choices(o.choices as string[]);
  if (o.repeatable) opt.argParser(collect);
  if (o.default !== undefined) opt.default(o.default);
  return opt;
}

const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: '-f, --file <file>', description: 'Compose configuration files (repeatable; - for stdin)', repeatable: true },
  { flags: '-p, --project-name <name>', description: 'Project name' },
  { flags: '--project-directory <path>', description: 'Specify an alternate working directory (default: the path of the first specified Compose file)' },
  { flags: '--env-file <path>', description: 'Specify an alternate environment file (repeatable)', repeatable: true },
  { flags: '--profile <profile>', description: 'Specify a profile to enable (repeatable)', repeatable: true },
  { flags: '--parallel <n>', description: 'Control max parallelism, -1 for unlimited' },
  { flags: '--progress <mode>', description: 'Set type of progress output (auto, tty, plain, json, quiet)' },
  { flags: '--ansi <when>', description: 'Control when to print ANSI control characters ("never"|"always"|"auto")' },
  { flags: '--dry-run', description: 'Execute command in dry run mode' },
];
const GLOBAL_KEYS = ['file', 'projectName', 'projectDirectory', 'envFile', 'profile', 'parallel', 'progress', 'ansi', 'dryRun'] as const;

/**
 * Global options are accepted before the command (on the program) and after it (as hidden options of
 * each command), as cobra's persistent flags are; a command's own flag of the same name wins
 * (`version -f json` is --format there, as in docker compose).
 */
function addGlobalOptions(cmd: Command, hidden: boolean): void {
  const taken = new Set(cmd.options.flatMap((o) => [o.short, o.long].filter((x): x is string => !!x)));
  for (const g of GLOBAL_OPTIONS) {
    const opt = toOption(g);
    if ((opt.short && taken.has(opt.short)) || (opt.long && taken.has(opt.long))) {
      if (!opt.long || taken.has(opt.long)) continue;
      const longOnly = toOption({ ...g, flags: g.flags.replace(/^-[a-zA-Z], /, '') });
      cmd.addOption(hidden ? longOnly.hideHelp() : longOnly);
      continue;
    }
    cmd.addOption(hidden ? opt.hideHelp() : opt);
  }
}

function mergeGlobalFlags(program: Command, cmd: Command): GlobalFlags {
  const before = program.opts<Record<string, unknown>>();
  const after = cmd.opts<Record<string, unknown>>();
  const merged: Record<string, unknown> = {};
  for (const k of GLOBAL_KEYS) {
    const a = before[k];
    const b = cmd.getOptionValueSource(k) === 'cli' ? after[k] : undefined;
    merged[k] = Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : b ?? a;
  }
  return merged as GlobalFlags;
}

/** Parses argv (without node and script) into the command to run; throws UserError on bad usage. */
export function parseInvocation(argv: string[], io: IO): Invocation | { help: string } {
  let chosen: Invocation | undefined;
  const program = new Command('tscompose');
  program
    .usage('[OPTIONS] COMMAND')
    .description('Define and run multi-container applications, daemonless (docker compose compatible)')
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined })
    .helpCommand('help [command]', 'Display help for a command');
  program.enablePositionalOptions();
  addGlobalOptions(program, false);

  const register = (parent: Command, spec: CommandSpec, path: string[]): void => {
    const cmd = parent.command(spec.name).description(spec.summary).exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined, outputError: () => undefined });
    if (spec.usage) cmd.usage(`[OPTIONS] ${spec.usage}`).arguments(spec.usage.replace(/\b([A-Z_]+)(\.\.\.)?/g, (_m, n: string, d?: string) => n.toLowerCase() + (d ?? '')));
    for (const a of spec.aliases ?? []) cmd.alias(a);
    for (const o of spec.options ?? []) cmd.addOption(toOption(o));
    addBooleanNegations(cmd);
    if (spec.subcommands) {
      for (const sub of spec.subcommands) register(cmd, sub, [...path, spec.name]);
      return;
    }
    addGlobalOptions(cmd, true);
    cmd.allowExcessArguments(spec.usage !== undefined);
    if (spec.passThrough) cmd.passThroughOptions();
    cmd.action((...actionArgs: unknown[]) => {
      const self = actionArgs[actionArgs.length - 1] as Command;
      const flags = mergeGlobalFlags(program, self);
      chosen = {
        spec,
        ctx: {
          global: resolveGlobalOptions(flags, io.env),
          args: self.args,
          options: ownOptions(self),
          stdout: io.stdout,
          stderr: io.stderr,
          env: io.env,
          cwd: io.cwd,
        },
      };
    });
  };
  for (const spec of commands) register(program, spec, []);

  if (argv.length === 0) return { help: program.helpInformation() };
  try {
    program.parse(planBooleanValues(argv), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return { help: '' };
      throw translateCommanderError(e, argv);
    }
    throw e;
  }
  if (!chosen) {
    // No command: docker compose prints its usage and exits 0 for bare invocation.
    return { help: program.helpInformation() };
  }
  return chosen;
}

/**
 * Boolean flags also take an explicit value, as cobra's do (`--interactive=false`, `--wait=true`): each
 * boolean option gets a hidden `--no-<name>` (unless the command has one), which `--<name>=false` becomes.
 * Defining the negation second keeps the flag's default (unset) as it was.
 */
function addBooleanNegations(cmd: Command): void {
  const longs = new Set(cmd.options.map((o) => o.long));
  for (const o of [...cmd.options]) {
    if (o.negate || o.required || o.optional || !o.long) continue;
    const neg = `--no-${o.long.slice(2)}`;
    if (!longs.has(neg)) cmd.addOption(new Option(neg).hideHelp());
  }
}

/**
 * Pure: `--name=true` → `--name`, `--name=false` → `--no-name`, among the options before the first argument
 * after the command (what follows a service name, run's and exec's command, is never touched). Before the
 * command every option is global and all but --dry-run take a value, so a word after one is its value. After
 * the command a word ends the rewriting: a `--x=false` behind an option's separate value stays as written and
 * is reported as an unknown flag, a clear error.
 */
export function planBooleanValues(argv: string[]): string[] {
  const out = [...argv];
  let seenCommand = false;
  for (let i = 0; i < out.length; i++) {
    const t = out[i]!;
    if (t === '--') break;
    if (!t.startsWith('-')) {
      const prev = i > 0 ? out[i - 1]! : '';
      const globalValue = !seenCommand && prev.startsWith('-') && !prev.includes('=') && prev !== '--dry-run';
      if (globalValue) continue;
      if (seenCommand) break;
      seenCommand = true;
      continue;
    }
    const m = /^--([a-z][a-z0-9-]*)=(true|false)$/i.exec(t);
    if (m) out[i] = m[2]!.toLowerCase() === 'true' ? `--${m[1]}` : `--no-${m[1]}`;
  }
  return out;
}

function translateCommanderError(e: CommanderError, argv: string[]) {
  const m = e.message.replace(/^error: /, '');
  switch (e.code) {
    case 'commander.unknownCommand': {
      const name = /'([^']+)'/.exec(m)?.[1] ?? argv[0];
      return usageError(`unknown command "${name}" for "tscompose"`, "Run 'tscompose --help' for usage.");
    }
    case 'commander.unknownOption': {
      let flag = /'([^']+)'/.exec(m)?.[1] ?? '';
      // a --x=false that planBooleanValues made --no-x: name the flag as written, as cobra does
      if (flag.startsWith('--no-') && argv.some((a) => a.toLowerCase() === `--${flag.slice(5)}=false`)) flag = `--${flag.slice(5)}`;
      return usageError(`unknown flag: ${flag}`, "Run 'tscompose --help' (or 'tscompose COMMAND --help') for usage.");
    }
    case 'commander.excessArguments':
      return usageError(m.replace(/\.$/, ''), "Run 'tscompose COMMAND --help' for usage.");
    default:
      return usageError(m.replace(/\.$/, ''), "Run 'tscompose --help' for usage.");
  }
}

function ownOptions(cmd: Command): Record<string, unknown> {
  const all = cmd.opts<Record<string, unknown>>();
  const out: Record<string, unknown> = {};
  for (const o of cmd.options) {
    const key = o.attributeName();
    if (o.hidden) continue;
    out[key] = all[key];
  }
  return out;
}
