/**
 * Environment resolution (the `env resolution` stage): env_file contents feed a service's
 * environment (explicit `environment` entries win; later files win over earlier ones), label_file
 * contents feed labels the same way, and key-only entries (`- FOO`) take the project environment's
 * value when it has one, else stay null (unset in the container). Key-only build args without a value
 * are dropped. File access comes in as a function so this stays testable without a disk.
 */
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { isMap } from './context.js';

export interface EnvResolutionIO {
  /** the project environment (OS env wins over .env files) */
  env: Record<string, string>;
  workingDir: string;
  /** file text, or undefined when the file does not exist */
  readText: (path: string) => string | undefined;
  /** dotenv parser (interpolating ${VAR} against lookup) */
  parseDotenv: (text: string, lookup: (name: string) => string | undefined, file: string) => Record<string, string>;
}

/** `format: raw`: every KEY=VALUE line as written, no quotes or interpolation. */
export function parseRawEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) out[line.trim()] = '';
    else out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

function readEnvEntries(service: string, key: string, entries: unknown[], io: EnvResolutionIO): Record<string, string> {
  const acc: Record<string, string> = {};
  for (const entry of entries) {
    const e = isMap(entry) ? entry : { path: entry, required: true };
    const path = String(e.path);
    const abs = isAbsolute(path) ? path : resolve(io.workingDir, path);
    const text = io.readText(abs);
    if (text === undefined) {
      if (e.required === false) continue;
      throw new UserError('E_COMPOSE_ENV_FILE', `service "${service}": ${key}: env file ${abs} not found: no such file or directory`);
    }
    const values = e.format === 'raw'
      ? parseRawEnv(text)
      : io.parseDotenv(text, (name) => acc[name] ?? io.env[name], abs);
    Object.assign(acc, values);
  }
  return acc;
}

export function resolveServiceEnvironment(name: string, service: Record<string, unknown>, io: EnvResolutionIO): Record<string, unknown> {
  const out: Record<string, unknown> = { ...service };
  const envFiles = Array.isArray(service.env_file) ? service.env_file : [];
  const explicit = isMap(service.environment) ? service.environment : {};
  const fromFiles = envFiles.length > 0 ? readEnvEntries(name, 'env_file', envFiles, io) : {};
  const env: Record<string, string | null> = { ...fromFiles };
  for (const [k, v] of Object.entries(explicit)) {
    if (v === null || v === undefined) env[k] = io.env[k] ?? fromFiles[k] ?? null;
    else env[k] = String(v);
  }
  if (service.environment !== undefined || envFiles.length > 0) out.environment = env;

  const labelFiles = Array.isArray(service.label_file) ? service.label_file : [];
  if (labelFiles.length > 0) {
    const fromLabels = readEnvEntries(name, 'label_file', labelFiles.map((p) => ({ path: p, required: true })), io);
    out.labels = { ...fromLabels, ...(isMap(service.labels) ? service.labels : {}) };
  }

  if (isMap(service.build) && isMap(service.build.args)) {
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(service.build.args)) {
      if (v !== null && v !== undefined) args[k] = v;
      else if (io.env[k] !== undefined) args[k] = io.env[k];
    }
    out.build = { ...service.build, args };
  }
  return out;
}
