/**
 * Multi-file merge with compose-go's per-key rules. The general rule: mappings merge key by key,
 * lists append, scalars are replaced; exceptions are one line each in MERGE_RULES. `!reset` in the
 * override removes the key, `!override` replaces it without merging.
 *
 * Inputs are never modified: merged containers are fresh objects, untouched subtrees are shared.
 */
import { UserError } from '../errors.js';
import { Override, RESET } from './markers.js';
import { compileRules, ruleChild, type RuleNode } from './rule-table.js';
import { formatPath } from './interpolate-tree.js';

export { enforceUnicity } from './unicity.js';

type Tree = Record<string, unknown>;
type Merger = (base: unknown, over: unknown, rules: RuleNode<Merger> | undefined, path: string[]) => unknown;

function isMapping(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Override);
}

function mergeError(path: string[], what: string): UserError {
  return new UserError('E_MERGE', `cannot override ${formatPath(path)}: ${what}`);
}

/** A list-or-mapping attribute as a list: `KEY=value` (or `KEY` for null), sorted as compose-go does. */
export function toSequence(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  if (!isMapping(v)) return [];
  const seq: string[] = [];
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) seq.push(k);
    else if (Array.isArray(val)) for (const item of val) seq.push(`${k}=${String(item)}`);
    else seq.push(`${k}=${String(val)}`);
  }
  return seq.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A list of names as a mapping; each name gets a copy of `defaults` (or null). */
function toMapping(v: unknown, defaults: Tree | null): Tree | undefined {
  if (isMapping(v)) return v;
  if (!Array.isArray(v)) return undefined;
  const out: Tree = {};
  for (const name of v) out[String(name)] = defaults === null ? null : { ...defaults };
  return out;
}

const replace: Merger = (_base, over) => over;

const mergeToSequence: Merger = (base, over) => [...toSequence(base), ...toSequence(over)];

const mergeExtraHosts: Merger = (base, over) => {
  const right = toSequence(base);
  return [...right, ...toSequence(over).filter((h) => !right.includes(h))];
};

const asMappings = (defaults: Tree | null): Merger => (base, over, rules, path) => {
  const b = toMapping(base, defaults);
  const o = toMapping(over, defaults);
  if (!b || !o) return o ?? b ?? over;
  return mergeMappings(b, o, rules, path);
};

const mergeBuild: Merger = (base, over, rules, path) => {
  const toBuild = (v: unknown): Tree | undefined => (typeof v === 'string' ? { context: v } : isMapping(v) ? v : undefined);
  const b = toBuild(base), o = toBuild(over);
  if (!b || !o) return o ?? b ?? over;
  return mergeMappings(b, o, rules, path);
};

/** Logging options merge only when both files name the same driver (or one names none). */
const mergeLogging: Merger = (base, over, rules, path) => {
  if (!isMapping(base) || !isMapping(over)) return over ?? base;
  if (!('driver' in over) || !('driver' in base) || over.driver === base.driver) return mergeMappings(base, over, rules, path);
  return stripMarkers(over);
};

/** IPAM configs are keyed by subnet: same subnet merges, new subnets are added. */
const mergeIpamConfig: Merger = (base, over, rules, path) => {
  if (!Array.isArray(base) || !Array.isArray(over)) throw mergeError(path, 'expected a list of IPAM configs');
  const out: Tree[] = [];
  const indexOf = (subnet: unknown) => out.findIndex((c) => c.subnet === subnet);
  for (const original of base) {
    const right = toMapping(original, null) ?? {};
    for (const item of over) {
      const left = toMapping(item, null) ?? {};
      if (left.subnet !== right.subnet && indexOf(left.subnet) < 0) { out.push(left); continue; }
      const merged = mergeMappings(right, left, rules, path);
      const at = indexOf(merged.subnet);
      if (at >= 0) out[at] = merged; else out.push(merged);
    }
  }
  return out;
};

const DEPENDS_ON_DEFAULT = { condition: 'service_started', required: true };

const MERGE_RULES = compileRules<Merger>({
  'networks.*.ipam.config': mergeIpamConfig,
  'networks.*.labels': mergeToSequence,
  'volumes.*.labels': mergeToSequence,
  'services.*.annotations': mergeToSequence,
  'services.*.build': mergeBuild,
  'services.*.build.args': mergeToSequence,
  'services.*.build.additional_contexts': mergeToSequence,
  'services.*.build.extra_hosts': mergeExtraHosts,
  'services.*.build.labels': mergeToSequence,
  'services.*.command': replace,
  'services.*.depends_on': asMappings(DEPENDS_ON_DEFAULT),
  'services.*.deploy.labels': mergeToSequence,
  'services.*.dns': mergeToSequence,
  'services.*.dns_opt': mergeToSequence,
  'services.*.dns_search': mergeToSequence,
  'services.*.entrypoint': replace,
  'services.*.env_file': mergeToSequence,
  'services.*.label_file': mergeToSequence,
  'services.*.environment': mergeToSequence,
  'services.*.extra_hosts': mergeExtraHosts,
  'services.*.healthcheck.test': replace,
  'services.*.labels': mergeToSequence,
  'services.*.logging': mergeLogging,
  'services.*.models': asMappings(null),
  'services.*.networks': asMappings(null),
  'services.*.sysctls': mergeToSequence,
  'services.*.tmpfs': mergeToSequence,
  'services.*.ulimits.*': replace,
});

/** The general rule, after the table had no special case for this path. */
function mergeValues(base: unknown, over: unknown, rules: RuleNode<Merger> | undefined, path: string[]): unknown {
  const rule = rules?.rule;
  if (rule) return rule(base, stripMarkers(over), rules, path);
  if (over === null || over === undefined) return base;
  if (isMapping(base)) {
    if (!isMapping(over)) throw mergeError(path, 'a mapping cannot be replaced by a value of another type');
    return mergeMappings(base, over, rules, path);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw mergeError(path, 'a list cannot be replaced by a value of another type');
    return [...base, ...(stripMarkers(over) as unknown[])];
  }
  return stripMarkers(over);
}

function mergeMappings(base: Tree, over: Tree, rules: RuleNode<Merger> | undefined, path: string[]): Tree {
  const out: Tree = { ...base };
  for (const k of Object.keys(over)) {
    const v = over[k];
    if (v === RESET) { delete out[k]; continue; }
    if (v instanceof Override) { out[k] = stripMarkers(v.value); continue; }
    if (!(k in out)) { out[k] = stripMarkers(v); continue; }
    path.push(k);
    out[k] = mergeValues(out[k], v, ruleChild(rules, k), path);
    path.pop();
  }
  return out;
}

/**
 * Merges an override document into a base document (both whole Compose trees); the override wins.
 * Markers are consumed: the result holds no RESET or Override, unless `keepMarkers` asks to leave
 * the override's markers in place for a later merge over earlier files.
 */
export function mergeTrees(base: unknown, override: unknown, opts: { keepMarkers?: boolean } = {}): unknown {
  const b = stripMarkers(base);
  if (override === null || override === undefined) return b;
  if (!isMapping(b) || !isMapping(override)) {
    throw new UserError('E_MERGE', 'cannot merge Compose files: the top level of a Compose file must be a mapping');
  }
  const merged = mergeMappings(applyResets(b, override) as Tree, override, MERGE_RULES, []);
  return opts.keepMarkers ? reapplyMarkers(merged, override) : merged;
}

/**
 * Deletes from the base every mapping key the override tags `!reset` or `!override`, before any
 * merge rule runs (as compose-go does): `environment: {FOO: !reset}` removes FOO even though the
 * environment rule merges lists. Markers inside list items do not address base entries.
 */
function applyResets(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return base;
  let copy: Tree | undefined;
  for (const k of Object.keys(over)) {
    if (!(k in base)) continue;
    const v = over[k];
    if (v === RESET || v instanceof Override) { (copy ??= { ...base }); delete copy[k]; continue; }
    const n = applyResets(base[k], v);
    if (n !== base[k]) (copy ??= { ...base })[k] = n;
  }
  return copy ?? base;
}

/**
 * Merges one service definition over another (used by extends), with the services.* rules.
 * `keepMarkers` leaves the override's `!reset` / `!override` markers in the result, so that they
 * still apply when this file is later merged over earlier files.
 */
export function mergeService(base: unknown, override: unknown, name = '*', opts: { keepMarkers?: boolean } = {}): unknown {
  const rules = ruleChild(ruleChild(MERGE_RULES, 'services'), name);
  const b = stripMarkers(base);
  if (!isMapping(b) || !isMapping(override)) return opts.keepMarkers ? override ?? b : stripMarkers(override ?? b);
  const merged = mergeMappings(applyResets(b, override) as Tree, override, rules, ['services', name]);
  return opts.keepMarkers ? reapplyMarkers(merged, override) : merged;
}

function hasMarker(v: unknown): boolean {
  if (v === RESET || v instanceof Override) return true;
  if (Array.isArray(v)) return v.some(hasMarker);
  return isMapping(v) && Object.values(v).some(hasMarker);
}

function reapplyMarkers(out: Tree, over: Tree): Tree {
  for (const k of Object.keys(over)) {
    const v = over[k];
    if (v === RESET || v instanceof Override) out[k] = v;
    else if (isMapping(v) && isMapping(out[k]) && hasMarker(v)) out[k] = reapplyMarkers({ ...(out[k] as Tree) }, v);
  }
  return out;
}

/**
 * Removes the markers of a single file: a `!reset` key or list item disappears (nothing earlier to
 * reset), an `!override` value is kept as is. Copies only containers that change.
 */
export function stripMarkers(v: unknown): unknown {
  if (v instanceof Override) return stripMarkers(v.value);
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (item === RESET) { copy ??= v.slice(0, i); continue; }
      const n = stripMarkers(item);
      if (copy) copy.push(n);
      else if (n !== item) { copy = v.slice(0, i); copy.push(n); }
    }
    return copy ?? v;
  }
  if (v !== null && typeof v === 'object') {
    const obj = v as Tree;
    let copy: Tree | undefined;
    for (const k in obj) {
      const item = obj[k];
      if (item === RESET) { (copy ??= { ...obj }); delete copy[k]; continue; }
      const n = stripMarkers(item);
      if (n !== item) (copy ??= { ...obj })[k] = n;
    }
    return copy ?? v;
  }
  return v;
}
