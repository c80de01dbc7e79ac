/**
 * The `paths` stage: relative paths become absolute against the directory of the file that wrote
 * them (so it runs per file, before files are merged), `~` against the home directory. It reads both
 * short and long forms because canonicalisation happens after the merge. Remote build contexts
 * (URLs, git refs) and non-path additional contexts are left alone.
 */
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { isMap } from './canonical/context.js';
import { Override, isOverride, overrideValue } from './markers.js';

type Tree = Record<string, unknown>;

export function isRemoteContext(ctx: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith('git@') || ctx.startsWith('github.com/');
}

/** What to do with a resolved absolute path: keep it, or make it relative again (rebasing). */
export type Finish = (abs: string) => string;
const keep: Finish = (abs) => abs;

export function absPath(base: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Applies fn under a `!override` marker too, keeping the marker. */
function through(v: unknown, fn: (x: unknown) => unknown): unknown {
  if (isOverride(v)) return new Override(fn(overrideValue(v)));
  return fn(v);
}

function resolveContext(base: string, ctx: unknown, fin: Finish): unknown {
  return typeof ctx === 'string' && !isRemoteContext(ctx) ? fin(absPath(base, ctx)) : ctx;
}

function resolveBuild(base: string, b: unknown, fin: Finish): unknown {
  if (typeof b === 'string') return resolveContext(base, b, fin);
  if (!isMap(b)) return b;
  const out: Tree = { ...b };
  // No context means the directory of the file's project: default it here, while we know which one.
  out.context = resolveContext(base, b.context ?? '.', fin);
  const ac = b.additional_contexts;
  const one = (v: string): string => (isRemoteContext(v) || v.includes('://') ? v : fin(absPath(base, v)));
  if (isMap(ac)) out.additional_contexts = Object.fromEntries(Object.entries(ac).map(([k, v]) => [k, typeof v === 'string' ? one(v) : v]));
  else if (Array.isArray(ac)) out.additional_contexts = ac.map((e) => { const s = String(e); const i = s.indexOf('='); return i < 0 ? s : `${s.slice(0, i)}=${one(s.slice(i + 1))}`; });
  return out;
}

function resolveEnvFiles(base: string, v: unknown, fin: Finish): unknown {
  const one = (e: unknown): unknown => (typeof e === 'string' ? fin(absPath(base, e)) : isMap(e) && typeof e.path === 'string' ? { ...e, path: fin(absPath(base, e.path)) } : e);
  return Array.isArray(v) ? v.map(one) : one(v);
}

function resolveVolume(base: string, v: unknown, fin: Finish): unknown {
  if (typeof v === 'string') {
    const colon = v.indexOf(':', /^[a-zA-Z]:[\\/]/.test(v) ? 2 : 0);
    if (colon <= 0) return v;
    const src = v.slice(0, colon);
    return src.startsWith('.') || src.startsWith('~') ? `${fin(absPath(base, src))}${v.slice(colon)}` : v;
  }
  if (isMap(v) && v.type === 'bind' && typeof v.source === 'string' && v.source !== '') return { ...v, source: fin(absPath(base, v.source)) };
  return v;
}

function resolveService(base: string, s: Tree, fin: Finish): Tree {
  const out: Tree = { ...s };
  if (s.build !== undefined) out.build = through(s.build, (b) => resolveBuild(base, b, fin));
  if (s.env_file !== undefined) out.env_file = through(s.env_file, (v) => resolveEnvFiles(base, v, fin));
  if (s.label_file !== undefined) out.label_file = through(s.label_file, (v) => resolveEnvFiles(base, v, fin));
  if (s.volumes !== undefined) out.volumes = through(s.volumes, (vs) => (Array.isArray(vs) ? vs.map((v) => resolveVolume(base, v, fin)) : vs));
  if (isMap(s.develop) && Array.isArray(s.develop.watch)) {
    out.develop = { ...s.develop, watch: s.develop.watch.map((w) => (isMap(w) && typeof w.path === 'string' ? { ...w, path: fin(absPath(base, w.path)) } : w)) };
  }
  return out;
}

/**
 * Returns a copy of the (raw, per-file) tree with its relative paths made absolute against base.
 * With `fin` the absolute paths are post-processed, e.g. made relative to another directory (rebase).
 */
export function resolvePaths(tree: Tree, base: string, fin: Finish = keep): Tree {
  const out: Tree = { ...tree };
  if (isMap(tree.services)) {
    out.services = Object.fromEntries(Object.entries(tree.services).map(([n, s]) => [n, isMap(s) ? resolveService(base, s, fin) : s]));
  }
  for (const section of ['secrets', 'configs'] as const) {
    const defs = tree[section];
    if (!isMap(defs)) continue;
    out[section] = Object.fromEntries(Object.entries(defs).map(([n, d]) => [n, isMap(d) && typeof d.file === 'string' ? { ...d, file: fin(absPath(base, d.file)) } : d]));
  }
  return out;
}

/** Paths relative to `to` (as compose-go reports them when path resolution is off): "." for `to` itself. */
export function relativeTo(to: string): Finish {
  return (abs) => relative(to, abs) || '.';
}
