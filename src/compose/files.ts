/**
 * Which Compose files make up the project, and the project's working directory:
 *  - `-f` files in order (`-` reads stdin), else COMPOSE_FILE split on COMPOSE_PATH_SEPARATOR (default `:`),
 *  - else discovery: the first of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml
 *    in the start directory or the nearest parent that has one, plus the first override file beside it.
 * The working directory is --project-directory, else the first file's folder, else cwd (stdin).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILE_NAMES = [
  'compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml',
];

export interface ConfigFile { path: string; content: string }
export interface ResolvedFiles { configFiles: ConfigFile[]; workingDir: string; warnings: string[] }

export interface ResolveFilesOptions {
  cwd: string;
  /** -f values in order; empty for none. */
  files: string[];
  projectDirectory?: string;
  /** Reads all of stdin (only called for `-`). */
  stdin?: () => string;
  /** For COMPOSE_FILE / COMPOSE_PATH_SEPARATOR when no -f is given. */
  env?: Record<string, string | undefined>;
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

function existing(dir: string, names: string[]): string[] {
  return names.map((n) => join(dir, n)).filter(isFile);
}

/** Discovery from `start` upwards; the chosen file, its override, and warnings about ambiguities. */
export function discoverComposeFiles(start: string): { paths: string[]; warnings: string[] } {
  const warnings: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    const found = existing(dir, DEFAULT_FILE_NAMES);
    if (found.length > 0) {
      if (found.length > 1) {
        warnings.push(`Found multiple config files with supported names: ${found.join(', ')}`, `Using ${found[0]}`);
      }
      const paths = [found[0]!];
      const overrides = existing(dir, DEFAULT_OVERRIDE_FILE_NAMES);
      if (overrides.length > 1) {
        warnings.push(`Found multiple override files with supported names: ${overrides.join(', ')}`, `Using ${overrides[0]}`);
      }
      if (overrides.length > 0) paths.push(overrides[0]!);
      return { paths, warnings };
    }
    if (dirname(dir) === dir) return { paths: [], warnings };
  }
}

function readComposeFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' ? 'permission denied' : code ?? String(e);
    throw new UserError('E_FILE', `open ${path}: ${why}`);
  }
}

export function resolveComposeFiles(opts: ResolveFilesOptions): ResolvedFiles {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(opts.cwd, p));
  const projectDir = opts.projectDirectory ? abs(opts.projectDirectory) : undefined;
  let requested = opts.files;
  if (requested.length === 0 && opts.env?.COMPOSE_FILE) {
    const sep = opts.env.COMPOSE_PATH_SEPARATOR || ':';
    requested = opts.env.COMPOSE_FILE.split(sep).filter((f) => f !== '');
  }
  let warnings: string[] = [];
  let paths: string[];
  if (requested.length > 0) {
    paths = requested.map((f) => (f === '-' ? '-' : abs(f)));
  } else {
    ({ paths, warnings } = discoverComposeFiles(projectDir ?? opts.cwd));
    if (paths.length === 0) throw new UserError('E_NO_FILE', 'no configuration file provided: not found');
  }
  let stdinContent: string | undefined;
  const configFiles = paths.map((path) => {
    if (path !== '-') return { path, content: readComposeFile(path) };
    if (!opts.stdin) throw new UserError('E_FILE', 'cannot read the Compose file from stdin here');
    stdinContent ??= opts.stdin();
    return { path, content: stdinContent };
  });
  const firstFile = paths.find((p) => p !== '-');
  const workingDir = projectDir ?? (firstFile ? dirname(firstFile) : opts.cwd);
  return { configFiles, workingDir, warnings };
}
