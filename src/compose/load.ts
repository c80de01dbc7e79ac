/**
 * The Compose loader: an ordered list of stages on a plain tree. The list below is the whole story,
 * one line per stage; every stage can be skipped by name (`skip: {interpolate: true}`), which is how
 * tests isolate a stage and how `config --no-interpolate` and friends work. Typed objects appear only
 * at the final `bind`.
 *
 * Stages marked per-file run on each Compose file before the files are merged, because they need
 * to know which file wrote a value (its variables, its includes, its relative paths, its lines).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { InvalidValueError, isMap, type TreePath } from './canonical/context.js';
import { resolveServiceEnvironment } from './canonical/environment.js';
import { canonicalize } from './canonical/table.js';
import { envMapping } from './canonical/labels.js';
import { checkConsistency } from './consistency.js';
import { applyDefaults } from './defaults.js';
import { parseDotenv } from './dotenv.js';
import { projectEnvironment } from './environment.js';
import { applyExtends } from './extends.js';
import { resolveComposeFiles } from './files.js';
import { applyInclude, type IncludeLoadOptions } from './include.js';
import { COMPOSE_TYPE_CAST, extractVariables, interpolate, interpolateTree, type VariableInfo } from './interpolate.js';
import { mergeTrees, enforceUnicity } from './merge.js';
import { relativeTo, resolvePaths } from './paths.js';
import { applyProfiles, disabledServices } from './profiles.js';
import { resolveProjectName } from './project-name.js';
import { prefetchResources, resourceResolver, type ResourceLoader } from './resources.js';
import { bindProject } from './bind.js';
import { collectUnsupported } from './unsupported.js';
import { schemaError, validateTree } from './validate.js';
import { locate, parseYaml } from './yaml.js';
import type { Project } from './types.js';

export type StageName =
  | 'files' | 'parse' | 'name' | 'interpolate' | 'resources' | 'include' | 'extends' | 'paths' | 'merge' | 'validate'
  | 'canonical' | 'defaults' | 'env-resolution' | 'profiles' | 'consistency' | 'unsupported' | 'bind';

export interface LoadOptions {
  cwd: string;
  /** -f / COMPOSE_FILE; empty: discover compose.yaml & co. in cwd or its parents */
  files?: string[];
  /** files given directly (tests, generated input); content read from path when absent */
  configFiles?: Array<{ path: string; content?: string }>;
  projectDirectory?: string;
  /** overrides the working directory derived from the files */
  workingDir?: string;
  /** the OS environment (wins over .env files) */
  osEnv?: Record<string, string | undefined>;
  /** a ready project environment: skips .env handling (tests) */
  environment?: Record<string, string>;
  envFiles?: string[];
  projectName?: string;
  profiles?: string[];
  /** services named on the command line: they are enabled along with their profiles */
  services?: string[];
  skip?: Partial<Record<StageName, boolean>>;
  /** drop env_file entries from the model after reading them into environment */
  discardEnvFiles?: boolean;
  stdin?: () => string;
  /** compose-go's safety cap on YAML nodes visited per file */
  maxNodeVisits?: number;
  /** loaders for remote `include` / `extends.file` references (oci://, git URLs, plugged prefixes) */
  resourceLoaders?: ResourceLoader[];
}

interface FileState { path: string; content: string; tree: Record<string, unknown> }

export interface LoadState {
  opts: LoadOptions;
  workingDir: string;
  env: Record<string, string>;
  files: FileState[];
  tree: Record<string, unknown>;
  projectName: string;
  disabled: Record<string, unknown>;
  warnings: string[];
  /** variables referenced but unset, warned once each */
  unset: Set<string>;
  /** include / extends references → local files (remote ones fetched by the resources stage) */
  resolveFile: (ref: string, workingDir: string) => string;
  /** referenced files the resources stage already parsed, each taken once by include/extends */
  parsed: Map<string, unknown>;
  project?: Project;
}

interface Stage { name: StageName; run: (s: LoadState) => void | Promise<void> }

/** The loader, in order. */
export const STAGES: readonly Stage[] = [
  { name: 'files', run: stageFiles },             // find the files (-f, COMPOSE_FILE, discovery) and the project environment
  { name: 'parse', run: perFile(stageParse) },    // per file: YAML → tree (anchors, merge keys, !reset/!override markers)
  { name: 'name', run: stageName },               // project name: -p > COMPOSE_PROJECT_NAME > top-level name > directory
  { name: 'interpolate', run: perFile(stageInterpolate) }, // per file: ${VAR} against the project environment, then type casts
  { name: 'resources', run: stageResources },     // remote include/extends references (oci://, git, plugged prefixes) fetched to local files
  { name: 'include', run: perFile(stageInclude) },          // per file: include: sub-projects merged in (own dir, own env files)
  { name: 'extends', run: perFile(stageExtends) },          // per file: extends: (same file, other file, chains)
  { name: 'paths', run: perFile(stagePaths) },              // per file: relative paths → absolute, against the file's project dir
  { name: 'merge', run: stageMerge },             // files merged in order with the per-key rules; set-like lists de-duplicated
  { name: 'validate', run: stageValidate },       // JSON Schema (compose-spec/); unknown keys are errors except x-*
  { name: 'canonical', run: stageCanonical },     // every short syntax → long form (table in canonical/table.ts)
  { name: 'defaults', run: stageDefaults },       // default network, <project>_<name> names, implicit depends_on, build defaults
  { name: 'env-resolution', run: stageEnvResolution }, // env_file/label_file read into environment/labels; bare VAR from project env
  { name: 'profiles', run: stageProfiles },       // services outside the active profiles are set aside
  { name: 'consistency', run: stageConsistency }, // references resolve, no dependency cycles, container_name vs scale
  { name: 'unsupported', run: stageUnsupported }, // one warning per field the runtime does not honour yet
  { name: 'bind', run: stageBind },               // plain tree → typed Project
];

export async function loadProject(opts: LoadOptions): Promise<Project> {
  return (await runStages(opts, 'bind')).project!;
}

/** Runs the stages up to and including `until`; `loadModel(o)` gives the merged raw model. */
export async function runStages(opts: LoadOptions, until: StageName): Promise<LoadState> {
  const state: LoadState = {
    opts, workingDir: opts.workingDir ?? opts.cwd, env: {}, files: [], tree: {}, projectName: '',
    disabled: {}, warnings: [], unset: new Set(), resolveFile: resourceResolver(new Map()), parsed: new Map(),
  };
  for (const stage of STAGES) {
    if (!(opts.skip?.[stage.name] && stage.name !== 'bind' && stage.name !== 'files')) await stage.run(state);
    if (stage.name === until) break;
  }
  return state;
}

export async function loadModel(opts: LoadOptions): Promise<Record<string, unknown>> {
  return (await runStages(opts, 'merge')).tree;
}

/** `config --variables`: the variables the files use, read before interpolation. */
export async function collectVariables(opts: LoadOptions): Promise<Record<string, VariableInfo>> {
  const state = await runStages(opts, 'parse');
  const out: Record<string, VariableInfo> = {};
  for (const f of state.files) Object.assign(out, extractVariables(f.tree));
  return out;
}

function perFile(fn: (s: LoadState, f: FileState) => void): (s: LoadState) => void {
  return (s) => { for (const f of s.files) fn(s, f); };
}

function readText(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

function stageFiles(s: LoadState): void {
  const o = s.opts;
  if (o.configFiles) {
    s.files = o.configFiles.map((f) => {
      const path = isAbsolute(f.path) || f.content !== undefined ? f.path : resolve(o.cwd, f.path);
      const content = f.content ?? readText(path);
      if (content === undefined) throw new UserError('E_COMPOSE_FILE', `open ${path}: no such file or directory`);
      return { path, content, tree: {} };
    });
    const first = s.files[0];
    s.workingDir = o.workingDir ?? o.projectDirectory ?? (first && isAbsolute(first.path) ? dirname(first.path) : o.cwd);
  } else {
    const found = resolveComposeFiles({ cwd: o.cwd, files: o.files ?? [], projectDirectory: o.projectDirectory, stdin: o.stdin });
    s.files = found.configFiles.map((f) => ({ path: f.path, content: f.content, tree: {} }));
    s.workingDir = o.workingDir ?? found.workingDir;
    s.warnings.push(...found.warnings);
  }
  s.workingDir = resolve(o.cwd, s.workingDir);
  s.env = o.environment ? { ...o.environment } : projectEnvironment({ osEnv: o.osEnv ?? {}, workingDir: s.workingDir, envFiles: o.envFiles });
}

function stageParse(s: LoadState, f: FileState): void {
  const tree = parseYaml(f.content, f.path, { maxNodeVisits: s.opts.maxNodeVisits });
  // compose-go's exact text (tools match on it); the file goes in the hint line.
  if (tree === null || tree === undefined) throw new UserError('E_COMPOSE_EMPTY', 'empty compose file', { hint: `file: ${f.path}` });
  if (!isMap(tree)) throw new UserError('E_COMPOSE_INVALID', `${f.path}: top-level object must be a mapping`);
  if (tree.version !== undefined) {
    s.warnings.push(`${f.path}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
  }
  f.tree = tree;
}

function stageName(s: LoadState): void {
  let topLevel: string | undefined;
  for (const f of s.files) if (typeof f.tree.name === 'string') topLevel = f.tree.name;
  if (topLevel !== undefined && !s.opts.skip?.interpolate) topLevel = interpolate(topLevel, (n) => s.env[n]).value;
  s.projectName = resolveProjectName({
    flag: s.opts.projectName, env: s.env.COMPOSE_PROJECT_NAME || undefined, topLevel: topLevel || undefined, workingDir: s.workingDir,
  });
  if (s.env.COMPOSE_PROJECT_NAME === undefined) s.env.COMPOSE_PROJECT_NAME = s.projectName;
}

function interpolateWith(s: LoadState, tree: unknown, env: Record<string, string>): Record<string, unknown> {
  const r = interpolateTree(tree, (n) => env[n], { typeCast: COMPOSE_TYPE_CAST });
  for (const name of r.missing) {
    if (s.unset.has(name)) continue;
    s.unset.add(name);
    s.warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`);
  }
  s.warnings.push(...r.warnings);
  return r.tree as Record<string, unknown>;
}

/** `services.web.ports[1]` → ['services', 'web', 'ports', 1]. */
function parsePathText(text: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function stageInterpolate(s: LoadState, f: FileState): void {
  try {
    f.tree = interpolateWith(s, f.tree, s.env);
  } catch (e) {
    // Point at the value: the interpolation error names its path (`error while interpolating x.y: ...`).
    if (!(e instanceof UserError)) throw e;
    const m = /^error while interpolating ([^:\s]+):/.exec(e.message);
    const pos = m ? locate(f.path, f.content, parsePathText(m[1]!)) : undefined;
    throw e.withContext(pos ? `${f.path}:${pos.line}:${pos.column}` : f.path);
  }
}

/** The parsed tree of a referenced file: the resources stage's parse when it made one (taken once), else read and parse. */
function readReferencedTree(s: LoadState, path: string): unknown {
  if (s.parsed.has(path)) {
    const tree = s.parsed.get(path);
    s.parsed.delete(path);
    return tree;
  }
  const text = readText(path);
  if (text === undefined) throw new UserError('E_COMPOSE_FILE', `open ${path}: no such file or directory`);
  return parseYaml(text, path);
}

/** Reads, parses and interpolates a file that another file refers to (extends rebases its paths). */
function loadReferencedFile(s: LoadState, env: Record<string, string>, cache: Map<string, unknown>) {
  return (path: string): unknown => {
    const cached = cache.get(path);
    if (cached) return cached;
    let tree = readReferencedTree(s, path);
    if (!isMap(tree)) throw new UserError('E_COMPOSE_EMPTY', `${path}: empty compose file`);
    if (!s.opts.skip?.interpolate) tree = interpolateWith(s, tree, env);
    cache.set(path, tree);
    return tree;
  };
}

function extendsTree(s: LoadState, tree: Record<string, unknown>, file: string, workingDir: string, env: Record<string, string>): Record<string, unknown> {
  return applyExtends(tree, { file, workingDir, loadFile: loadReferencedFile(s, env, new Map()), resolveFile: s.resolveFile, isRemote: (ref) => (s.opts.resourceLoaders ?? []).some((l) => l.accept(ref)) }) as Record<string, unknown>;
}

/** An included project: its own files and project directory; `o.env` already has its env files. */
function loadIncluded(s: LoadState) {
  return (o: IncludeLoadOptions): unknown => {
    const env = o.env;
    let merged: unknown = {};
    for (const path of o.files) {
      let tree = readReferencedTree(s, path);
      if (!isMap(tree)) throw new UserError('E_COMPOSE_EMPTY', 'empty compose file');
      if (!s.opts.skip?.interpolate) tree = interpolateWith(s, tree, env);
      tree = applyInclude(tree, { file: path, workingDir: o.projectDirectory, env, loadProject: loadIncluded(s), chain: o.chain, resolveFile: s.resolveFile });
      if (!s.opts.skip?.extends) tree = extendsTree(s, tree as Record<string, unknown>, path, o.projectDirectory, env);
      // Paths of an included project belong to its directory; without path resolution they are
      // still rebased, relative to the including project's directory.
      tree = resolvePaths(tree as Record<string, unknown>, o.projectDirectory, s.opts.skip?.paths ? relativeTo(s.workingDir) : undefined);
      merged = mergeTrees(merged, tree);
    }
    return resolveKeyOnlyEnvironment(merged as Record<string, unknown>, env);
  };
}

/** Key-only `environment` entries of an included project take values from its own environment. */
function resolveKeyOnlyEnvironment(tree: Record<string, unknown>, env: Record<string, string>): Record<string, unknown> {
  if (!isMap(tree.services)) return tree;
  for (const [name, svc] of Object.entries(tree.services)) {
    if (!isMap(svc) || svc.environment === undefined) continue;
    const vars = envMapping(svc.environment, { path: ['services', name, 'environment'], warn: () => {} });
    if (!isMap(vars)) continue;
    for (const k of Object.keys(vars)) if (vars[k] === null && env[k] !== undefined) vars[k] = env[k];
    tree.services[name] = { ...svc, environment: vars };
  }
  return tree;
}

function stageInclude(s: LoadState, f: FileState): void {
  if (f.tree.include === undefined) return;
  f.tree = applyInclude(f.tree, { file: f.path, workingDir: s.workingDir, env: s.env, loadProject: loadIncluded(s), chain: [], resolveFile: s.resolveFile }) as Record<string, unknown>;
}

async function stageResources(s: LoadState): Promise<void> {
  const fetched = await prefetchResources(s.files.map((f) => ({ tree: f.tree, dir: s.workingDir })), s.opts.resourceLoaders ?? [], s.parsed);
  s.resolveFile = resourceResolver(fetched);
}

function stageExtends(s: LoadState, f: FileState): void {
  f.tree = extendsTree(s, f.tree, f.path, s.workingDir, s.env);
}

function stagePaths(s: LoadState, f: FileState): void {
  f.tree = resolvePaths(f.tree, s.workingDir);
}

function stageMerge(s: LoadState): void {
  let tree: unknown = {};
  for (const f of s.files) tree = mergeTrees(tree, f.tree);
  s.tree = enforceUnicity(tree) as Record<string, unknown>;
}

/** `file:line:col` for a tree path, from the last file that writes it (overrides come last). */
export function whereIs(s: Pick<LoadState, 'files'>, path: TreePath): string | undefined {
  for (let i = s.files.length - 1; i >= 0; i--) {
    const f = s.files[i]!;
    const pos = locate(f.path, f.content, [...path]);
    if (pos) return `${f.path}:${pos.line}:${pos.column}`;
  }
  return s.files.length === 1 ? s.files[0]!.path : undefined;
}

async function stageValidate(s: LoadState): Promise<void> {
  const err = await validateTree(s.tree);
  if (err) throw schemaError(err, whereIs(s, err.locatePath));
}

function stageCanonical(s: LoadState): void {
  try {
    canonicalize(s.tree, (w) => s.warnings.push(w), s.opts.skip?.interpolate === true);
  } catch (e) {
    if (e instanceof InvalidValueError) {
      const where = whereIs(s, e.path);
      throw where ? e.withContext(where) : e;
    }
    throw e;
  }
}

function stageDefaults(s: LoadState): void {
  applyDefaults(s.tree, s.projectName);
}

/**
 * Services named on the command line and what they depend on, or undefined for all. docker compose
 * reads env files only for these, so a missing env_file of an unrelated service does not fail.
 */
function selectedWithDependencies(services: Record<string, unknown>, names: string[]): Set<string> | undefined {
  if (names.length === 0) return undefined;
  const out = new Set<string>();
  const visit = (n: string): void => {
    if (out.has(n)) return;
    out.add(n);
    const svc = services[n];
    if (isMap(svc) && isMap(svc.depends_on)) for (const d of Object.keys(svc.depends_on)) visit(d);
  };
  names.forEach(visit);
  return out;
}

function stageEnvResolution(s: LoadState): void {
  if (!isMap(s.tree.services)) return;
  const io = { env: s.env, workingDir: s.workingDir, readText, parseDotenv: (t: string, l: (n: string) => string | undefined, file: string) => parseDotenv(t, l, file) };
  const wanted = selectedWithDependencies(s.tree.services, s.opts.services ?? []);
  for (const [name, svc] of Object.entries(s.tree.services)) {
    if (!isMap(svc) || (wanted && !wanted.has(name))) continue;
    const resolved = resolveServiceEnvironment(name, svc, io);
    if (s.opts.discardEnvFiles) delete resolved.env_file;
    s.tree.services[name] = resolved;
  }
}

function stageProfiles(s: LoadState): void {
  s.tree = applyProfiles(s.tree, s.opts.profiles ?? [], s.opts.services ?? []) as Record<string, unknown>;
  s.disabled = disabledServices(s.tree);
}

function stageConsistency(s: LoadState): void {
  checkConsistency(s.tree, s.disabled);
}

function stageUnsupported(s: LoadState): void {
  s.warnings.push(...collectUnsupported(s.tree));
}

function stageBind(s: LoadState): void {
  s.project = bindProject(s.tree, {
    name: s.projectName, workingDir: s.workingDir, environment: s.env, configFiles: s.files.map((f) => f.path),
    disabled: s.disabled, profiles: s.opts.profiles ?? [], warnings: s.warnings,
  });
}
