/**
 * Interpolation over a whole tree (every string value at any depth; keys are never interpolated)
 * and variable discovery for `config --variables`.
 */
import { InterpolationError, interpolate, scanTemplate, type Cast, type Lookup, type TypeCast } from './interpolate.js';
import { Override, isOverride } from './markers.js';
import { UserError } from '../errors.js';

type Seg = string | number;

/** Dotted path as compose-go prints it, with list indexes as `[i]`: `services.web.ports[1]`. */
export function formatPath(path: readonly Seg[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : (s === '' ? p : `.${p}`);
  return s;
}

const INT_RE = /^[+-]?\d+$/;

const castInt: Cast = (v) => {
  if (!INT_RE.test(v)) throw new Error(`invalid integer: ${JSON.stringify(v)}`);
  return Number.parseInt(v, 10);
};
const castFloat: Cast = (v) => {
  const n = v.trim() === '' ? Number.NaN : Number(v);
  if (Number.isNaN(n)) throw new Error(`invalid number: ${JSON.stringify(v)}`);
  return n;
};
/** YAML 1.1 spellings are accepted (with a warning) because compose-go accepts them here. */
function castBool(v: string, warn: (msg: string) => void): boolean {
  switch (v.toLowerCase()) {
    case 'true': return true;
    case 'false': return false;
    case 'y': case 'yes': case 'on':
      warn(`${JSON.stringify(v)} for boolean is not supported by YAML 1.2, please use \`true\``);
      return true;
    case 'n': case 'no': case 'off':
      warn(`${JSON.stringify(v)} for boolean is not supported by YAML 1.2, please use \`false\``);
      return false;
    default: throw new Error(`invalid boolean: ${v}`);
  }
}

/** compose-go's fixed table: attributes whose interpolated strings become numbers or booleans. */
export const COMPOSE_TYPE_CAST: TypeCast = (() => {
  const svc: Record<string, 'int' | 'float' | 'bool'> = {
    cpu_count: 'int', cpu_percent: 'float', cpu_period: 'int', cpu_quota: 'int', cpu_rt_period: 'int',
    cpu_rt_runtime: 'int', cpus: 'float', cpu_shares: 'int', init: 'bool', 'depends_on.*.required': 'bool',
    'depends_on.*.restart': 'bool', 'deploy.replicas': 'int', 'deploy.update_config.parallelism': 'int',
    'deploy.update_config.max_failure_ratio': 'float', 'deploy.rollback_config.parallelism': 'int',
    'deploy.rollback_config.max_failure_ratio': 'float', 'deploy.restart_policy.max_attempts': 'int',
    'deploy.placement.max_replicas_per_node': 'int', 'healthcheck.retries': 'int', 'healthcheck.disable': 'bool',
    oom_kill_disable: 'bool', oom_score_adj: 'int', pids_limit: 'int', 'ports.[].target': 'int',
    privileged: 'bool', read_only: 'bool', scale: 'int', stdin_open: 'bool', tty: 'bool', 'ulimits.*': 'int',
    'ulimits.*.hard': 'int', 'ulimits.*.soft': 'int', 'volumes.[].read_only': 'bool',
    'volumes.[].volume.nocopy': 'bool',
  };
  const table: TypeCast = {};
  for (const [k, v] of Object.entries(svc)) table[`services.*.${k}`] = v;
  for (const k of ['external', 'internal', 'attachable', 'enable_ipv4', 'enable_ipv6']) table[`networks.*.${k}`] = 'bool';
  for (const k of ['volumes', 'secrets', 'configs']) table[`${k}.*.external`] = 'bool';
  return table;
})();

interface CompiledCast { segs: string[]; cast: (v: string) => unknown }

function compileCasts(table: TypeCast | undefined, warn: (m: string) => void): CompiledCast[] {
  if (!table) return [];
  return Object.entries(table).map(([pattern, c]) => ({
    segs: pattern.split('.'),
    cast: c === 'int' ? castInt : c === 'float' ? castFloat : c === 'bool' ? (v: string) => castBool(v, warn) : c,
  }));
}

function findCast(casts: CompiledCast[], path: Seg[]): CompiledCast | undefined {
  outer: for (const c of casts) {
    if (c.segs.length !== path.length) continue;
    for (let i = 0; i < path.length; i++) {
      const s = c.segs[i]!, p = path[i]!;
      if (s === '*' || (s === '[]' && typeof p === 'number')) continue;
      if (s !== String(p)) continue outer;
    }
    return c;
  }
  return undefined;
}

function pathError(path: Seg[], e: unknown): UserError {
  const at = formatPath(path);
  if (e instanceof InterpolationError && e.kind === 'invalid-template') {
    return new UserError('E_INTERPOLATE',
      `invalid interpolation format for ${at}.\nYou may need to escape any $ with another $.\n${e.template}`);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new UserError('E_INTERPOLATE', `error while interpolating ${at}: ${msg}`);
}

/**
 * Interpolates every string of `tree`. Containers are copied only when something inside them
 * changed, so a tree without variables comes back as the same object.
 */
export function interpolateTree(tree: unknown, lookup: Lookup, opts: { path?: string[]; typeCast?: TypeCast } = {}):
  { tree: unknown; missing: Set<string>; warnings: string[] } {
  const missing = new Set<string>();
  const warnings: string[] = [];
  const casts = compileCasts(opts.typeCast, (m) => warnings.push(m));
  const path: Seg[] = [...(opts.path ?? [])];

  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out: unknown = v;
      if (v.includes('$')) {
        try {
          const r = interpolate(v, lookup);
          for (const m of r.missing) missing.add(m);
          out = r.value;
        } catch (e) { throw pathError(path, e); }
      }
      if (casts.length > 0) {
        const c = findCast(casts, path);
        if (c) {
          try { out = c.cast(out as string); } catch (e) {
            throw pathError(path, new Error(`failed to cast to expected type: ${(e as Error).message}`));
          }
        }
      }
      return out;
    }
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        const n = walk(v[i]);
        path.pop();
        if (n !== v[i]) (copy ??= v.slice())[i] = n;
      }
      return copy ?? v;
    }
    if (isOverride(v)) {
      const n = walk(v.value);
      return n === v.value ? v : new Override(n);
    }
    if (v !== null && typeof v === 'object') {
      let copy: Record<string, unknown> | undefined;
      const obj = v as Record<string, unknown>;
      for (const k in obj) {
        path.push(k);
        const n = walk(obj[k]);
        path.pop();
        if (n !== obj[k]) (copy ??= { ...obj })[k] = n;
      }
      return copy ?? v;
    }
    return v;
  };
  return { tree: walk(tree), missing, warnings };
}

export interface VariableInfo { name: string; defaultValue: string; presenceValue: string; required: boolean }

/** Every variable the tree refers to, with its default, presence value and whether it is required. */
export function extractVariables(tree: unknown): Record<string, VariableInfo> {
  const out: Record<string, VariableInfo> = {};
  const visitTemplate = (t: string): void => scanTemplate(t, (name, op, arg) => {
    const info: VariableInfo = { name, defaultValue: '', presenceValue: '', required: false };
    if (op === ':?' || op === '?') info.required = true;
    else if (op === ':-' || op === '-') info.defaultValue = arg;
    else if (op === ':+' || op === '+') info.presenceValue = arg;
    out[name] = info;
    if (arg !== '' && op !== ':?' && op !== '?') visitTemplate(arg);
  });
  const walk = (v: unknown): void => {
    if (typeof v === 'string') { if (v.includes('$')) visitTemplate(v); }
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isOverride(v)) walk(v.value);
    else if (v !== null && typeof v === 'object') for (const k in v as object) walk((v as Record<string, unknown>)[k]);
  };
  walk(tree);
  return out;
}
