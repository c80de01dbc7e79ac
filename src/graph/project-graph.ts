/**
 * The dependency graph of a Project: one node per service (named as the service, so a cycle reads
 * `web -> db -> web`), one per network (`network:<key>`) and volume (`volume:<key>`) that services use.
 * A service depends on what must exist or run before it: depends_on, links, `service:x` namespaces
 * (network_mode, ipc, pid), volumes_from, its networks and its named volumes. Edges to services that are
 * not in the project (switched off by profiles, `required: false`) are left out: they cannot be ordered.
 */
import type { Project, ServiceConfig } from '../compose/types.js';
import { Graph } from './graph.js';

export type ProjectNode =
  | { kind: 'service'; name: string; service: ServiceConfig }
  | { kind: 'network'; name: string }
  | { kind: 'volume'; name: string };

export const networkNode = (key: string): string => `network:${key}`;
export const volumeNode = (key: string): string => `volume:${key}`;

/** `service:x` in network_mode/ipc/pid → x. */
export function serviceFromMode(mode: string | undefined): string | undefined {
  return mode?.startsWith('service:') ? mode.slice('service:'.length) : undefined;
}

/** volumes_from `x`, `x:ro`, `service:x:rw` → x; `container:…` names no service. */
export function serviceFromVolumesFrom(entry: string): string | undefined {
  if (entry.startsWith('container:')) return undefined;
  const rest = entry.startsWith('service:') ? entry.slice('service:'.length) : entry;
  return rest.split(':')[0];
}

/** The services a service needs before it, with the reason each edge exists (for messages). */
export function serviceDependencies(service: ServiceConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const dep of Object.keys(service.depends_on ?? {})) out.set(dep, 'depends_on');
  for (const link of service.links ?? []) out.set(link.split(':')[0]!, 'links');
  for (const key of ['network_mode', 'ipc', 'pid'] as const) {
    const parent = serviceFromMode(service[key]);
    if (parent) out.set(parent, key);
  }
  for (const entry of service.volumes_from ?? []) {
    const parent = serviceFromVolumesFrom(entry);
    if (parent) out.set(parent, 'volumes_from');
  }
  return out;
}

export function buildProjectGraph(project: Project): Graph<ProjectNode> {
  const g = new Graph<ProjectNode>();
  for (const name of Object.keys(project.services).sort()) g.add(name, { kind: 'service', name, service: project.services[name]! });
  for (const [name, service] of Object.entries(project.services)) {
    for (const dep of serviceDependencies(service).keys()) if (g.has(dep)) g.depend(name, dep);
    if (!service.network_mode) {
      for (const key of Object.keys(service.networks ?? {})) {
        if (!project.networks[key]) continue;
        g.add(networkNode(key), { kind: 'network', name: key }).depend(name, networkNode(key));
      }
    }
    for (const v of service.volumes ?? []) {
      if (v.type !== 'volume' || !v.source || !project.volumes[v.source]) continue;
      g.add(volumeNode(v.source), { kind: 'volume', name: v.source }).depend(name, volumeNode(v.source));
    }
  }
  return g;
}

/** Service names in dependency order (dependencies first); a cycle is a UserError naming it. */
export function serviceOrder(project: Project, only?: Set<string>): string[] {
  return buildProjectGraph(project).order().filter((n) => project.services[n] !== undefined && (!only || only.has(n)));
}

/** The given services and every service they depend on, transitively. */
export function serviceClosure(project: Project, roots: string[]): Set<string> {
  const g = buildProjectGraph(project);
  g.assertAcyclic();
  return new Set([...g.closure(roots)].filter((n) => project.services[n] !== undefined));
}
