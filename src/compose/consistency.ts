/**
 * The `consistency` stage: references between services and to top-level resources must resolve,
 * depends_on must not loop, container_name forbids scaling. Messages are compose-go's so users and
 * tools see the same text as with docker compose.
 */
import { UserError } from '../errors.js';
import { isMap } from './canonical/context.js';

type Tree = Record<string, unknown>;

function fail(message: string): UserError {
  return new UserError('E_COMPOSE_CONSISTENCY', message);
}

function referencedServices(s: Tree): string[] {
  const out: string[] = [];
  if (isMap(s.depends_on)) out.push(...Object.keys(s.depends_on));
  for (const key of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const v = s[key];
    if (typeof v === 'string' && v.startsWith('service:')) out.push(v.slice(8));
  }
  if (Array.isArray(s.links)) out.push(...s.links.map((l) => String(l).split(':')[0]!));
  if (Array.isArray(s.volumes_from)) {
    out.push(...s.volumes_from.map(String).filter((v) => !v.startsWith('container:')).map((v) => v.split(':')[0]!));
  }
  return out;
}

/** "dependency cycle detected: a -> b -> a", walking services and their dependencies in name order. */
export function findCycle(services: Record<string, Tree>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done' || !services[name]) return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    const deps = isMap(services[name]!.depends_on) ? Object.keys(services[name]!.depends_on as Tree).sort() : [];
    for (const d of deps) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(services).sort()) {
    const c = visit(name);
    if (c) return c;
  }
  return undefined;
}

export function checkConsistency(tree: Tree, disabled: Record<string, unknown> = {}): void {
  const services = (isMap(tree.services) ? tree.services : {}) as Record<string, Tree>;
  const networks = isMap(tree.networks) ? tree.networks : {};
  const volumes = isMap(tree.volumes) ? tree.volumes : {};
  const top: Record<string, Tree> = { secret: isMap(tree.secrets) ? tree.secrets : {}, config: isMap(tree.configs) ? tree.configs : {} };
  for (const [name, s] of Object.entries(services)) {
    for (const ref of referencedServices(s)) {
      if (services[ref]) continue;
      const dep = isMap(s.depends_on) ? s.depends_on[ref] : undefined;
      if (disabled[ref] !== undefined && isMap(dep) && dep.required === false) continue;
      throw fail(`service "${name}" depends on undefined service "${ref}": invalid compose project`);
    }
    if (s.network_mode === undefined && isMap(s.networks)) {
      for (const n of Object.keys(s.networks)) {
        if (networks[n] === undefined) throw fail(`service "${name}" refers to undefined network ${n}: invalid compose project`);
      }
    }
    if (Array.isArray(s.volumes)) {
      for (const v of s.volumes) {
        if (!isMap(v) || v.type !== 'volume' || typeof v.source !== 'string' || v.source === '') continue;
        if (volumes[v.source] === undefined) throw fail(`service "${name}" refers to undefined volume ${v.source}: invalid compose project`);
      }
    }
    for (const [kind, defs] of Object.entries(top)) {
      const refs = s[`${kind}s`];
      if (!Array.isArray(refs)) continue;
      for (const r of refs) {
        const src = isMap(r) ? r.source : r;
        if (typeof src === 'string' && defs[src] === undefined) throw fail(`service "${name}" refers to undefined ${kind} ${src}: invalid compose project`);
      }
    }
    const replicas = typeof s.scale === 'number' ? s.scale : isMap(s.deploy) && typeof s.deploy.replicas === 'number' ? s.deploy.replicas : 1;
    if (typeof s.container_name === 'string' && s.container_name !== '' && replicas > 1) {
      throw fail(`services.${name}: can't set container_name and ${isMap(s.deploy) && s.deploy.replicas !== undefined ? 'deploy.replicas' : 'scale'} as container name must be unique: invalid compose project`);
    }
    if (typeof s.scale === 'number' && isMap(s.deploy) && typeof s.deploy.replicas === 'number' && s.scale !== s.deploy.replicas) {
      throw fail(`services.${name}: can't set distinct values on 'scale' and 'deploy.replicas': invalid compose project`);
    }
  }
  const cycle = findCycle(services);
  if (cycle) throw fail(`dependency cycle detected: ${cycle.join(' -> ')}`);
}
