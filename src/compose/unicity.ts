/**
 * De-duplication of the lists Compose treats as sets (compose-go's EnforceUnicity): entries with the
 * same identity collapse into one, the later definition taking the earlier one's place.
 */
import { UserError } from '../errors.js';
import { compileRules, ruleChild, type RuleNode } from './rule-table.js';
import { formatPath } from './interpolate-tree.js';

type Indexer = (entry: unknown, at: () => string) => string;

function fail(at: () => string, what: string): never {
  throw new UserError('E_MERGE', `${at()}: ${what}`);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `KEY=value` and `KEY` are the same entry. */
const keyValue: Indexer = (v, at) => {
  if (typeof v !== 'string') fail(at, `unexpected ${typeof v} value, expected a string`);
  const eq = v.indexOf('=');
  return eq < 0 ? v : v.slice(0, eq);
};

/** Mounts are identified by their target: long form `target`, short form `source:target[:mode]`. */
const volume: Indexer = (v, at) => {
  if (isMapping(v)) {
    if (typeof v.target !== 'string') fail(at, 'service volume is missing a mount target');
    return v.target;
  }
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length === 1 ? parts[0]! : parts[1]!;
  }
  return '';
};

const device: Indexer = (v, at) => {
  if (isMapping(v)) {
    if (typeof v.target !== 'string') fail(at, 'service device is missing a mount target');
    return v.target;
  }
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length === 1 ? parts[0]! : parts[1]!;
  }
  return '';
};

const expose: Indexer = (v, at) => {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return fail(at, `unsupported expose value ${JSON.stringify(v)}`);
};

/** Secrets and configs: target, else `<default dir>/<source>`. */
const mount = (dir: string): Indexer => (v, at) => {
  if (typeof v === 'string') return `${dir}/${v}`;
  if (isMapping(v)) return typeof v.target === 'string' ? v.target : `${dir}/${String(v.source)}`;
  return fail(at, `unsupported value ${JSON.stringify(v)}`);
};

/** Ports: the short form as written; the long form by host_ip:published:target/protocol. */
const port: Indexer = (v, at) => {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (isMapping(v)) {
    if (!('target' in v)) fail(at, 'service port is missing a target port');
    return `${String(v.host_ip ?? '0.0.0.0')}:${String(v.published ?? '')}:${String(v.target)}/${String(v.protocol ?? 'tcp')}`;
  }
  return '';
};

const envFile: Indexer = (v, at) => {
  if (typeof v === 'string') return v;
  if (isMapping(v)) {
    if (typeof v.path !== 'string') fail(at, 'env_file entry is missing its path');
    return v.path;
  }
  return '';
};

const UNIQUE = compileRules<Indexer>({
  'networks.*.labels': keyValue,
  'networks.*.ipam.options': keyValue,
  'services.*.annotations': keyValue,
  'services.*.build.args': keyValue,
  'services.*.build.additional_contexts': keyValue,
  'services.*.build.platform': keyValue,
  'services.*.build.tags': keyValue,
  'services.*.build.labels': keyValue,
  'services.*.cap_add': keyValue,
  'services.*.cap_drop': keyValue,
  'services.*.devices': device,
  'services.*.configs': mount(''),
  'services.*.deploy.labels': keyValue,
  'services.*.dns': keyValue,
  'services.*.dns_opt': keyValue,
  'services.*.dns_search': keyValue,
  'services.*.environment': keyValue,
  'services.*.env_file': envFile,
  'services.*.expose': expose,
  'services.*.labels': keyValue,
  'services.*.links': keyValue,
  'services.*.networks.*.aliases': keyValue,
  'services.*.networks.*.link_local_ips': keyValue,
  'services.*.ports': port,
  'services.*.profiles': keyValue,
  'services.*.secrets': mount('/run/secrets'),
  'services.*.sysctls': keyValue,
  'services.*.tmpfs': keyValue,
  'services.*.volumes': volume,
});

function dedupe(list: unknown[], index: Indexer, path: string[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    const key = index(entry, () => formatPath([...path, i] as never));
    const at = seen.get(key);
    if (at !== undefined) out[at] = entry;
    else { seen.set(key, out.length); out.push(entry); }
  }
  return out.length === list.length ? list : out;
}

function walk(v: unknown, rules: RuleNode<Indexer> | undefined, path: string[]): unknown {
  if (!rules) return v;
  if (Array.isArray(v)) return rules.rule ? dedupe(v, rules.rule, path) : v;
  if (!isMapping(v)) return v;
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const child = ruleChild(rules, k);
    if (!child) continue;
    path.push(k);
    const n = walk(v[k], child, path);
    path.pop();
    if (n !== v[k]) (copy ??= { ...v })[k] = n;
  }
  return copy ?? v;
}

/** Removes redefinitions from set-like lists. Returns the input itself when nothing changed. */
export function enforceUnicity(tree: unknown): unknown {
  return walk(tree, UNIQUE, []);
}
