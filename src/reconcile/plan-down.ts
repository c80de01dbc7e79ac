/**
 * planDown: stop and remove the project's containers (dependents first), then its networks, and with -v
 * its named volumes (and the containers' anonymous ones), with --rmi its images. Works without a Compose
 * file too (`down -p name`): then everything carrying the project label goes, ordered by the
 * com.docker.compose.depends_on labels the containers carry.
 */
import type { Project } from '../compose/types.js';
import { UserError } from '../errors.js';
import { L } from './labels.js';
import { selectPreStartHookContainers } from './pre-start.js';
import { PlanBuilder, containerResource, imageResource, networkResource, volumeResource, type Plan } from './plan-model.js';
import { serviceDependencies } from '../graph/project-graph.js';
import { isOneoff, isUp, numberOf, orphanContainers, projectContainers, serviceOf, type ObservedContainer, type ObservedState } from './observed.js';

export interface DownOptions {
  /** required when no project is given (`down -p name`) */
  projectName?: string;
  /** -v */
  volumes?: boolean;
  removeOrphans?: boolean;
  /** --rmi */
  rmi?: 'local' | 'all';
}

export function planDown(project: Project | undefined, observed: ObservedState, options: DownOptions = {}): Plan {
  const name = project?.name ?? options.projectName;
  if (!name) throw new UserError('E_NO_PROJECT', 'down: no project name (give a Compose file or --project-name)');
  const b = new PlanBuilder();
  const { containers, orphanIds } = downContainers(project, observed, name, options);
  const removed = planStopRemoveInReverse(b, containers, dependentsFrom(project, containers), 'down', options.volumes === true);
  // docker compose removes orphans without their anonymous volumes, even under -v
  for (const s of b.plan.steps) if (s.containerId && orphanIds.has(s.containerId)) delete s.removeVolumes;
  // kept pre_start hook containers are no replicas (observed.ts): docker compose removes them apart, with their anonymous volumes
  for (const c of selectPreStartHookContainers(observed.containers, name)) {
    removed.push(b.add({ op: 'remove-container', resource: containerResource(c.name), service: serviceOf(c), containerId: c.id, reason: 'down', removeVolumes: true }));
  }

  for (const net of downNetworks(project, observed, name)) b.add({ op: 'remove-network', resource: networkResource(net), reason: 'down', name: net }, removed);
  if (options.volumes) for (const vol of downVolumes(project, observed, name)) b.add({ op: 'remove-volume', resource: volumeResource(vol), reason: 'down -v', name: vol }, removed);
  if (options.rmi && project) for (const image of downImages(project, options.rmi)) b.add({ op: 'remove-image', resource: imageResource(image), reason: `down --rmi ${options.rmi}`, name: image }, removed);
  if (b.plan.steps.length === 0) b.warn(`No resource found to remove for project "${name}".`);
  return b.plan;
}

/**
 * With a project: the replicas of its services (not of services switched off by profiles: docker compose
 * leaves those), and the orphans and one-off containers under --remove-orphans. Without one: everything with the project label.
 */
function downContainers(project: Project | undefined, observed: ObservedState, name: string, options: DownOptions): { containers: ObservedContainer[]; orphanIds: Set<string> } {
  const all = projectContainers(observed, name);
  if (!project) return { containers: all, orphanIds: new Set() };
  const orphanIds = new Set(options.removeOrphans ? orphanContainers(observed, project).map((c) => c.id) : []);
  // --remove-orphans also takes the project's one-off containers (`run`), running or not, as docker compose does
  return { containers: all.filter((c) => orphanIds.has(c.id) || ((!isOneoff(c) || options.removeOrphans === true) && project.services[serviceOf(c)] !== undefined)), orphanIds };
}

/** service → the services that depend on it, from the project or else from the containers' depends_on labels. */
function dependentsFrom(project: Project | undefined, containers: ObservedContainer[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => (out.get(to) ?? out.set(to, new Set()).get(to)!).add(from);
  if (project) {
    for (const [svc, cfg] of Object.entries(project.services)) for (const dep of serviceDependencies(cfg).keys()) edge(svc, dep);
  }
  for (const c of containers) {
    for (const entry of (c.labels[L.dependsOn] ?? '').split(',').filter(Boolean)) edge(serviceOf(c), entry.split(':')[0]!);
  }
  return out;
}

/**
 * Stop every running container after the stops of the services depending on it, then remove each after
 * its own stop. Returns the remove steps. Shared by down, rm -s and stop.
 */
export function planStopRemoveInReverse(b: PlanBuilder, containers: ObservedContainer[], dependents: Map<string, Set<string>>, reason: string, removeVolumes: boolean | undefined, remove = true): number[] {
  const byService = new Map<string, ObservedContainer[]>();
  for (const c of containers) (byService.get(serviceOf(c)) ?? byService.set(serviceOf(c), []).get(serviceOf(c))!).push(c);
  const stops = new Map<string, number[]>();
  const visiting = new Set<string>();
  const stopService = (svc: string): number[] => {
    if (stops.has(svc)) return stops.get(svc)!;
    if (visiting.has(svc)) return []; // a cycle in labels: order what we can
    visiting.add(svc);
    const after = [...(dependents.get(svc) ?? [])].sort().filter((d) => byService.has(d)).flatMap(stopService);
    const ids = (byService.get(svc) ?? []).filter(isUp).map((c) => b.add({ op: 'stop-container', resource: containerResource(c.name), service: svc, number: numberOf(c) || undefined, containerId: c.id, reason }, after));
    // a service with nothing to stop passes its dependents' stops on, so the order stays transitive
    const carried = ids.length > 0 ? ids : after;
    stops.set(svc, carried);
    return carried;
  };
  for (const svc of [...byService.keys()].sort()) stopService(svc);
  if (!remove) return b.plan.steps.filter((s) => s.op === 'stop-container').map((s) => s.id);
  const removed: number[] = [];
  for (const svc of [...byService.keys()].sort()) {
    for (const c of byService.get(svc)!) {
      const stop = b.plan.steps.find((s) => s.op === 'stop-container' && s.containerId === c.id)?.id;
      removed.push(b.add({ op: 'remove-container', resource: containerResource(c.name), service: svc, number: numberOf(c) || undefined, containerId: c.id, reason, removeVolumes: removeVolumes || undefined }, [stop]));
    }
  }
  return removed;
}

function downNetworks(project: Project | undefined, observed: ObservedState, name: string): string[] {
  if (!project) return observed.networks.filter((n) => n.labels[L.project] === name).map((n) => n.name).sort();
  const names = Object.values(project.networks).filter((n) => !n.external).map((n) => n.name);
  return names.filter((n) => observed.networks.some((o) => o.name === n)).sort();
}

function downVolumes(project: Project | undefined, observed: ObservedState, name: string): string[] {
  if (!project) return observed.volumes.filter((v) => v.labels[L.project] === name).map((v) => v.name).sort();
  const names = Object.values(project.volumes).filter((v) => !v.external).map((v) => v.name);
  const unused = observed.volumes.filter((v) => v.anonymous && v.labels[L.project] === name).map((v) => v.name);
  return [...names.filter((n) => observed.volumes.some((o) => o.name === n && !o.anonymous)), ...unused].sort();
}

/** --rmi all: every service's image; local: only images without an `image:` (built as `<project>-<service>`). */
function downImages(project: Project, rmi: 'local' | 'all'): string[] {
  const images = new Set<string>();
  for (const s of Object.values(project.services)) {
    if (s.image && rmi === 'all') images.add(s.image);
    if (!s.image) images.add(`${project.name}-${s.name}`);
  }
  return [...images].sort();
}
