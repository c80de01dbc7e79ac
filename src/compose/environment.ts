/**
 * The project environment used for interpolation, with docker compose's precedence:
 *   1. the OS environment (always wins),
 *   2. PWD (the process's working directory) when the OS environment lacks it,
 *   3. the --env-file files (COMPOSE_ENV_FILES resolved by the CLI into `envFiles`), or else the
 *      project directory's `.env` unless COMPOSE_DISABLE_ENV_FILE is true.
 * Values from files never overwrite a key already set; files may refer to OS values and earlier entries.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { readEnvFiles } from './dotenv.js';

export interface EnvironmentOptions {
  osEnv: Record<string, string | undefined>;
  /** The project directory (absolute): where the default `.env` is looked for. */
  workingDir: string;
  /** Explicit env files (--env-file / COMPOSE_ENV_FILES); relative paths are taken from `cwd`. */
  envFiles?: string[];
  /** The process's working directory (default: process.cwd()): PWD, and the base of relative envFiles. */
  cwd?: string;
}

/** Go's strconv.ParseBool, which docker compose uses for COMPOSE_DISABLE_ENV_FILE. */
function parseBool(name: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new UserError('E_ENV', `invalid value ${JSON.stringify(v)} for ${name}: expected true or false`);
}

/** Which env files feed the project environment (explicit ones, or the project's .env if present). */
export function selectEnvFiles(opts: EnvironmentOptions): string[] {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.envFiles && opts.envFiles.length > 0) {
    return opts.envFiles.map((f) => (isAbsolute(f) ? f : resolve(cwd, f)));
  }
  const disable = opts.osEnv.COMPOSE_DISABLE_ENV_FILE;
  if (disable !== undefined && disable !== '' && parseBool('COMPOSE_DISABLE_ENV_FILE', disable)) return [];
  const dotEnv = join(opts.workingDir, '.env');
  try {
    return statSync(dotEnv).isFile() ? [dotEnv] : [];
  } catch {
    return [];
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env)) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function projectEnvironment(opts: EnvironmentOptions): Record<string, string> {
  const env = definedOnly(opts.osEnv);
  if (env.PWD === undefined) env.PWD = opts.cwd ?? process.cwd();
  const fromFiles = readEnvFiles(selectEnvFiles(opts), (name) => env[name]);
  for (const k of Object.keys(fromFiles)) if (!(k in env)) env[k] = fromFiles[k]!;
  return env;
}

/**
 * The OS environment plus the COMPOSE_* settings of the env files the CLI would read from `workingDir`
 * (docker compose reads `.env` once early so that COMPOSE_FILE, COMPOSE_PROFILES, COMPOSE_PROJECT_NAME…
 * written there select files and profiles). OS values win. Use the result as `osEnv` afterwards.
 */
export function withComposeSettingsFromEnvFiles(opts: EnvironmentOptions): Record<string, string> {
  const env = definedOnly(opts.osEnv);
  const fromFiles = readEnvFiles(selectEnvFiles(opts), (name) => env[name]);
  for (const k of Object.keys(fromFiles)) {
    if (k.startsWith('COMPOSE_') && !(k in env)) env[k] = fromFiles[k]!;
  }
  return env;
}
