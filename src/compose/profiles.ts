/**
 * Profiles: a service without `profiles` is always enabled; one with profiles only when one of them
 * is active (`*` activates all). Services named on the command line activate their own profiles.
 * Disabled services leave `services` and are kept under the DISABLED symbol of the returned tree
 * (invisible to Object.keys/JSON, kept by object spread); `disabledServices(tree)` reads them.
 * A `depends_on` from an enabled service to a disabled one is an error unless it says
 * `required: false`, in which case the dependency is dropped.
 */
import { UserError } from '../errors.js';

export const DISABLED: unique symbol = Symbol.for('compose.disabledServices') as never;

type Tree = Record<string, unknown> & { [DISABLED]?: Record<string, unknown> };

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function profilesOf(service: unknown): string[] {
  const p = isMapping(service) ? service.profiles : undefined;
  return Array.isArray(p) ? p.map(String) : [];
}

export function hasProfile(service: unknown, active: readonly string[]): boolean {
  const own = profilesOf(service);
  if (own.length === 0) return true;
  return active.some((p) => p === '*' || own.includes(p));
}

/** Drops dependencies on disabled services that say `required: false`; refuses the others. */
function pruneDependsOn(name: string, service: unknown, disabled: Record<string, unknown>): unknown {
  if (!isMapping(service)) return service;
  const deps = service.depends_on;
  if (Array.isArray(deps)) {
    const bad = deps.map(String).find((d) => d in disabled);
    if (bad !== undefined) throw disabledDependency(bad, name, disabled[bad]);
    return service;
  }
  if (!isMapping(deps)) return service;
  let kept: Record<string, unknown> | undefined;
  for (const dep of Object.keys(deps)) {
    if (!(dep in disabled)) continue;
    const cfg = deps[dep];
    if (isMapping(cfg) && (cfg.required === false || cfg.required === 'false')) {
      kept ??= { ...deps };
      delete kept[dep];
      continue;
    }
    throw disabledDependency(dep, name, disabled[dep]);
  }
  return kept ? { ...service, depends_on: kept } : service;
}

function disabledDependency(dep: string, by: string, service: unknown): UserError {
  return new UserError('E_PROFILE',
    `service ${dep} is required by ${by} but is disabled. Can be enabled by profiles [${profilesOf(service).join(' ')}]`,
    { hint: `add --profile ${profilesOf(service)[0] ?? '<profile>'} or set required: false on the dependency` });
}

export function applyProfiles(tree: unknown, profiles: string[], services: string[]): unknown {
  if (!isMapping(tree)) return tree;
  const all = isMapping(tree.services) ? tree.services : {};
  const active = profiles.map((p) => p.trim()).filter((p) => p !== '');
  for (const name of services) {
    if (!(name in all)) throw new UserError('E_PROFILE', `no such service: ${name}`);
    if (!hasProfile(all[name], active)) active.push(...profilesOf(all[name]));
  }
  const enabled: Record<string, unknown> = {};
  const disabled: Record<string, unknown> = { ...((tree as Tree)[DISABLED] ?? {}) };
  for (const name of Object.keys(all)) {
    if (hasProfile(all[name], active)) enabled[name] = all[name];
    else disabled[name] = all[name];
  }
  for (const name of Object.keys(enabled)) enabled[name] = pruneDependsOn(name, enabled[name], disabled);
  const out: Tree = { ...tree };
  if ('services' in tree) out.services = enabled;
  out[DISABLED] = disabled;
  return out;
}

/** The services applyProfiles disabled (empty when it did not run). */
export function disabledServices(tree: unknown): Record<string, unknown> {
  return isMapping(tree) ? ((tree as Tree)[DISABLED] ?? {}) : {};
}

/** --profile values, else COMPOSE_PROFILES split on commas (docker compose's WithDefaultProfiles). */
export function selectProfiles(flags: string[], env: Record<string, string | undefined>): string[] {
  const list = flags.length > 0 ? flags : (env.COMPOSE_PROFILES ?? '').split(',');
  return list.map((p) => p.trim()).filter((p) => p !== '');
}
