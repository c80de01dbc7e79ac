/**
 * docker compose's global options, resolved from flags and the environment (pure).
 * Flags win over COMPOSE_* variables; the loader applies the rest (.env, top-level name).
 */
import { usageError } from '../errors.js';

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'json' | 'quiet';
export type AnsiMode = 'never' | 'always' | 'auto';

export interface GlobalFlags {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  parallel?: string;
  progress?: string;
  ansi?: string;
  dryRun?: boolean;
}

export interface GlobalOptions {
  /** Compose files as given (-f or COMPOSE_FILE); empty means discover. `-` is stdin. */
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  /** Env files as given (--env-file or COMPOSE_ENV_FILES); undefined means the project's .env. */
  envFiles?: string[];
  profiles: string[];
  /** Parallelism limit; -1 means unlimited. */
  parallel: number;
  progress: ProgressMode;
  ansi: AnsiMode;
  dryRun: boolean;
}

const PROGRESS: readonly ProgressMode[] = ['auto', 'tty', 'plain', 'json', 'quiet'];
const ANSI: readonly AnsiMode[] = ['never', 'always', 'auto'];

function splitList(v: string | undefined, sep: string): string[] {
  return (v ?? '').split(sep).map((s) => s.trim()).filter((s) => s.length > 0);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`invalid argument "${value}" for "${flag}": must be one of ${allowed.join(', ')}`);
}

function parseParallel(source: string, value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw usageError(`invalid ${source} "${value}": must be an integer (-1 for unlimited)`);
  const n = Number(value);
  if (n === 0 || n < -1) throw usageError(`invalid ${source} "${value}": must be a positive integer or -1 for unlimited`);
  return n;
}

export function resolveGlobalOptions(flags: GlobalFlags, env: Record<string, string | undefined>): GlobalOptions {
  const sep = env.COMPOSE_PATH_SEPARATOR && env.COMPOSE_PATH_SEPARATOR.length > 0 ? env.COMPOSE_PATH_SEPARATOR : ':';
  const files = flags.file && flags.file.length > 0 ? flags.file : splitList(env.COMPOSE_FILE, sep);
  const envFiles = flags.envFile && flags.envFile.length > 0
    ? flags.envFile
    : env.COMPOSE_ENV_FILES ? splitList(env.COMPOSE_ENV_FILES, ',') : undefined;
  const profiles = flags.profile && flags.profile.length > 0
    ? flags.profile.flatMap((p) => splitList(p, ','))
    : splitList(env.COMPOSE_PROFILES, ',');
  const parallel = flags.parallel !== undefined
    ? parseParallel('--parallel', flags.parallel)
    : env.COMPOSE_PARALLEL_LIMIT ? parseParallel('COMPOSE_PARALLEL_LIMIT', env.COMPOSE_PARALLEL_LIMIT) : -1;
  const progress = oneOf('--progress', flags.progress ?? env.COMPOSE_PROGRESS ?? 'auto', PROGRESS);
  const ansi = oneOf('--ansi', flags.ansi ?? env.COMPOSE_ANSI ?? 'auto', ANSI);
  return {
    files,
    projectName: flags.projectName ?? (env.COMPOSE_PROJECT_NAME || undefined),
    projectDirectory: flags.projectDirectory,
    envFiles,
    profiles,
    parallel,
    progress,
    ansi,
    dryRun: flags.dryRun === true,
  };
}
