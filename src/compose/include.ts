/**
 * `include`: each entry is loaded as its own project (own project directory and env files, paths
 * resolved against that directory) and its services, networks, volumes, secrets, configs and models
 * are imported. A resource the including file also defines is merged, the including file winning
 * (compose-go's current behaviour; its `!reset`/`!override` markers apply). Include cycles are errors.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { readEnvFiles } from './dotenv.js';
import { mergeTrees } from './merge.js';
import { Override } from './markers.js';

export interface IncludeLoadOptions {
  /** Absolute paths: the included file first, then its overrides. */
  files: string[];
  /** Absolute project directory of the included project. */
  projectDirectory: string;
  /** The env files that fed `env` (absolute). */
  envFiles: string[];
  /** Environment for interpolating the included project: the including project's, then its env files. */
  env: Record<string, string>;
  /** Files on the include path so far; pass it back as `chain` when the included files include others. */
  chain: string[];
}

export interface IncludeContext {
  /** The file holding the include section. */
  file: string;
  /** Absolute working directory of the including project: include paths are relative to it. */
  workingDir: string;
  /** The including project's environment. */
  env: Record<string, string>;
  /** Loads the included project and returns its merged model (a tree). */
  loadProject: (opts: IncludeLoadOptions) => unknown;
  /** Files on the include path before `file` (from IncludeLoadOptions.chain). */
  chain?: string[];
  onInclude?: (entry: { path: string[]; workingDir: string }) => void;
  /** Maps an include path to the absolute local file (remote resource loaders plug in here). */
  resolveFile?: (ref: string, workingDir: string) => string;
}

const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'] as const;

type Tree = Record<string, unknown>;

function isMapping(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Override);
}

function err(msg: string): UserError {
  return new UserError('E_INCLUDE', msg);
}

interface IncludeEntry { path: string[]; projectDirectory?: string; envFile: string[] }

function stringList(v: unknown, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw err(`${what} must be a string or a list of strings`);
}

/** Short (`- path`) and long (`- path: …, project_directory: …, env_file: …`) forms. */
export function parseIncludeSection(source: unknown): IncludeEntry[] {
  if (source === null || source === undefined) return [];
  if (!Array.isArray(source)) throw err(`\`include\` must be a list, got ${JSON.stringify(source)}`);
  return source.map((e, i) => {
    if (typeof e === 'string') return { path: [e], envFile: [] };
    if (!isMapping(e)) throw err(`include[${i}] must be a path or a mapping`);
    if (e.path === undefined || e.path === null) throw err(`include[${i}].path is required`);
    const path = stringList(e.path, `include[${i}].path`);
    if (path.length === 0) throw err(`include[${i}].path must not be empty`);
    const entry: IncludeEntry = { path, envFile: e.env_file === undefined || e.env_file === null ? [] : stringList(e.env_file, `include[${i}].env_file`) };
    if (e.project_directory !== undefined && e.project_directory !== null && e.project_directory !== '') {
      if (typeof e.project_directory !== 'string') throw err(`include[${i}].project_directory must be a string`);
      entry.projectDirectory = e.project_directory;
    }
    return entry;
  });
}

function selectIncludeEnvFiles(entry: IncludeEntry, projectDirectory: string, workingDir: string): string[] {
  if (entry.envFile.length === 0) {
    const f = join(projectDirectory, '.env');
    try { return statSync(f).isFile() ? [f] : []; } catch { return []; }
  }
  const out: string[] = [];
  for (const f of entry.envFile) {
    if (f === '/dev/null') continue;
    const abs = isAbsolute(f) ? f : join(workingDir, f);
    let isDir: boolean;
    try { isDir = statSync(abs).isDirectory(); } catch { throw err(`include env_file ${abs}: no such file or directory`); }
    if (isDir) throw err(`${abs} is not a file`);
    out.push(abs);
  }
  return out;
}

/** Imports the included model's resources; a name both sides define merges, `target` winning. */
function importResources(source: unknown, target: Tree): void {
  if (!isMapping(source)) return;
  for (const key of RESOURCES) {
    const from = source[key];
    if (!isMapping(from)) continue;
    const to: Tree = isMapping(target[key]) ? { ...(target[key] as Tree) } : {};
    for (const name of Object.keys(from)) {
      if (!(name in to)) { to[name] = from[name]; continue; }
      const merged = mergeTrees({ [key]: { [name]: from[name] } }, { [key]: { [name]: to[name] } }, { keepMarkers: true }) as Tree;
      to[name] = (merged[key] as Tree)[name];
    }
    target[key] = to;
  }
}

export function applyInclude(tree: unknown, ctx: IncludeContext): unknown {
  if (!isMapping(tree) || !('include' in tree)) return tree;
  const entries = parseIncludeSection(tree.include);
  const chain = ctx.chain ?? [];
  const included = chain[chain.length - 1] === ctx.file ? [...chain] : [...chain, ctx.file];
  const out: Tree = { ...tree };
  delete out.include;
  for (const entry of entries) {
    ctx.onInclude?.({ path: entry.path, workingDir: ctx.workingDir });
    const files = entry.path.map((p) => (ctx.resolveFile ? ctx.resolveFile(p, ctx.workingDir)
      : isAbsolute(p) ? p : join(ctx.workingDir, p)));
    const main = files[0]!;
    if (included.includes(main)) {
      const chain = [...included, main];
      throw err(`include cycle detected:\n${chain[0]}\n include ${chain.slice(1).join('\n include ')}`);
    }
    const projectDirectory = entry.projectDirectory === undefined ? dirname(main)
      : isAbsolute(entry.projectDirectory) ? entry.projectDirectory : join(ctx.workingDir, entry.projectDirectory);
    const envFiles = selectIncludeEnvFiles(entry, projectDirectory, ctx.workingDir);
    const env: Record<string, string> = { ...ctx.env };
    const fromFiles = readEnvFiles(envFiles, (name) => ctx.env[name]);
    for (const k of Object.keys(fromFiles)) if (!(k in env)) env[k] = fromFiles[k]!;
    const model = ctx.loadProject({ files, projectDirectory, envFiles, env, chain: included });
    importResources(model, out);
  }
  return out;
}
