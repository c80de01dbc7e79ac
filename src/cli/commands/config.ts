/**
 * `tscompose config`: load the project and print it in canonical form (YAML by default, JSON with
 * --format json), or one of its facets (--services, --volumes, --hash, ...). -q only validates.
 * Flags map to loader options; the rendering is pure (renderConfig) so it is testable on its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext, CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { toComposeDocument } from '../../compose/document.js';
import { serviceHash } from '../../compose/hash.js';
import { collectVariables, loadProject, type LoadOptions, type StageName } from '../../compose/load.js';
import type { Project } from '../../compose/types.js';
import { remoteLoaders } from '../remote/index.js';

const FACETS = ['services', 'volumes', 'networks', 'images', 'profiles', 'variables', 'environment', 'hash'] as const;

function loadOptions(ctx: CommandContext): LoadOptions {
  const o = ctx.options;
  const skip: Partial<Record<StageName, boolean>> = {
    interpolate: o.interpolate === false,
    defaults: o.normalize === false,
    paths: o.pathResolution === false,
    'env-resolution': o.envResolution === false,
    consistency: o.consistency === false,
  };
  return {
    cwd: ctx.cwd, files: ctx.global.files, projectDirectory: ctx.global.projectDirectory, osEnv: ctx.env,
    envFiles: ctx.global.envFiles, projectName: ctx.global.projectName, profiles: ctx.global.profiles,
    services: ctx.args, skip, stdin: () => readStdin(), resourceLoaders: remoteLoaders(ctx.env),
  };
}

/** Compose text from `-f -`. */
function readStdin(): string {
  return readFileSync(0, 'utf8');
}

/** The named services and everything they depend on, or all services when none are named. */
export function selectServices(p: Project, names: string[]): Project {
  if (names.length === 0) return p;
  const keep = new Set<string>();
  const visit = (n: string): void => {
    if (keep.has(n)) return;
    const s = p.services[n];
    if (!s) throw usageError(`no such service: ${n}`);
    keep.add(n);
    for (const d of Object.keys(s.depends_on ?? {})) if (p.services[d]) visit(d);
  };
  names.forEach(visit);
  return { ...p, services: Object.fromEntries(Object.entries(p.services).filter(([n]) => keep.has(n))) };
}

function lines(items: Iterable<string>): string {
  const list = [...items];
  return list.length === 0 ? '' : `${list.join('\n')}\n`;
}

/**
 * Literal `$` in values printed as `$$`, as docker compose does, so the printed model loads again
 * with the same values. Keys are never interpolated, so they are left alone.
 */
export function escapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$', '$$$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}

export type YamlStringify = (doc: unknown) => string;

/**
 * Pure: the text `config` prints for a loaded project and the chosen facet. The YAML printer comes
 * in as a function because the yaml package is heavy to load and most facets never need it.
 */
export function renderConfig(p: Project, o: Record<string, unknown>, toYaml: YamlStringify): string {
  const json = o.format === 'json';
  if (o.services) return lines(Object.keys(p.services).sort());
  if (o.volumes) return lines(Object.keys(p.volumes).sort());
  if (o.networks) return lines(Object.keys(p.networks).sort());
  if (o.images) return lines(Object.keys(p.services).sort().map((n) => p.services[n]!.image ?? `${p.name}-${n}`));
  if (o.profiles) {
    const all = [...Object.values(p.services), ...Object.values(p.disabledServices)].flatMap((s) => s.profiles ?? []);
    return lines([...new Set(all)].sort());
  }
  if (o.environment) return lines(Object.keys(p.environment).sort().map((k) => `${k}=${p.environment[k]}`));
  if (typeof o.hash === 'string') {
    const names = o.hash === '*' ? Object.keys(p.services).sort() : o.hash.split(',').map((s) => s.trim()).filter(Boolean);
    return lines(names.map((n) => {
      const s = p.services[n];
      if (!s) throw usageError(`no such service: ${n}`);
      return `${n} ${serviceHash(s)}`;
    }));
  }
  // Without interpolation the values still hold their ${...} expressions: print them as written.
  const doc = o.interpolate === false ? toComposeDocument(p) : escapeDollars(toComposeDocument(p));
  return json ? `${JSON.stringify(doc, null, 2)}\n` : toYaml(doc);
}

function renderVariables(vars: Record<string, { name: string; defaultValue: string; presenceValue: string; required: boolean }>, json: boolean): string {
  const names = Object.keys(vars).sort();
  if (json) {
    const out: Record<string, unknown> = {};
    for (const n of names) {
      const v = vars[n]!;
      out[n] = { Name: v.name, DefaultValue: v.defaultValue, PresenceValue: v.presenceValue, Required: v.required };
    }
    return `${JSON.stringify(out, null, 2)}\n`;
  }
  const rows = [['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE'], ...names.map((n) => {
    const v = vars[n]!;
    return [n, v.required ? 'true' : 'false', v.defaultValue, v.presenceValue];
  })];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

const config: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const chosen = FACETS.filter((f) => o[f] !== undefined && o[f] !== false);
  if (chosen.length > 1) throw usageError(`--${chosen[0]} and --${chosen[1]} cannot be combined`);
  const opts = loadOptions(ctx);
  let text: string;
  if (o.variables) {
    text = renderVariables(await collectVariables(opts), o.format === 'json');
  } else {
    const project = await loadProject(opts);
    for (const w of project.warnings) ctx.stderr.write(`WARN ${w}\n`);
    if (o.quiet) return 0;
    const needsYaml = o.format !== 'json' && !FACETS.some((f) => o[f] !== undefined && o[f] !== false);
    const toYaml: YamlStringify = needsYaml
      ? ((y) => (doc) => y.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }))(await import('yaml'))
      : () => { throw new Error('YAML printer not loaded'); };
    text = renderConfig(selectServices(project, ctx.args), o, toYaml);
  }
  if (typeof o.output === 'string' && o.output !== '') writeFileSync(resolve(ctx.cwd, o.output), text);
  else ctx.stdout.write(text);
  return 0;
};
export default config;
