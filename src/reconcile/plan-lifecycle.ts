/**
 * The small planners: stop, start, restart, kill, rm on the replicas of the selected services (all when
 * none; one-off containers are left out, as docker compose does). Stop goes dependents first; start and
 * restart go dependencies first, each start waiting on its depends_on conditions; kill has no order.
 */
import type { Project } from '../compose/types.js';
import { UserError } from '../errors.js';
import { serviceDependencies, serviceOrder } from '../graph/project-graph.js';
import { L } from './labels.js';
import { PlanBuilder, containerResource, type Plan } from './plan-model.js';
import { assertServicesExist, awaitsOf } from './plan.js';
import { planStopRemoveInReverse } from './plan-down.js';
import { isUp, numberOf, orphanContainers, serviceContainers, type ObservedContainer, type ObservedState } from './observed.js';

export interface SelectOptions { services?: string[] }

function selectedOrder(project: Project, services: string[] = []): string[] {
  assertServicesExist(project, services);
  return serviceOrder(project, services.length > 0 ? new Set(services) : undefined);
}

function dependentsOf(project: Project): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [svc, cfg] of Object.entries(project.services)) {
    for (const dep of serviceDependencies(cfg).keys()) (out.get(dep) ?? out.set(dep, new Set()).get(dep)!).add(svc);
  }
  return out;
}

const who = (c: ObservedContainer, service: string) => ({ resource: containerResource(c.name), service, number: numberOf(c), containerId: c.id });

export function planStop(project: Project, observed: ObservedState, options: SelectOptions = {}): Plan {
  const b = new PlanBuilder();
  const containers = selectedOrder(project, options.services).flatMap((s) => serviceContainers(observed, project.name, s));
  planStopRemoveInReverse(b, containers, dependentsOf(project), 'stop', undefined, false);
  return b.plan;
}

/** Starts the stopped replicas in dependency order; a selected service without any container is an error. */
export function planStart(project: Project, observed: ObservedState, options: SelectOptions = {}): Plan {
  const b = new PlanBuilder();
  const started = new Map<string, number[]>();
  for (const svc of selectedOrder(project, options.services)) {
    const containers = serviceContainers(observed, project.name, svc);
    if (containers.length === 0) {
      if (options.services?.includes(svc)) throw new UserError('E_NO_CONTAINER', `service "${svc}" has no container to start`, { hint: 'create it with `up` or `create` first' });
      continue;
    }
    const after = [...serviceDependencies(project.services[svc]!).keys()].sort().flatMap((d) => started.get(d) ?? []);
    const awaits = awaitsOf(project, project.services[svc]!);
    const ids = containers.filter((c) => !isUp(c)).map((c) => b.add({ op: 'start-container', ...who(c, svc), reason: 'start', awaits }, after));
    if (ids.length > 0) started.set(svc, ids);
  }
  return b.plan;
}

/** Restarts every replica (running or not), dependencies first. */
export function planRestart(project: Project, observed: ObservedState, options: SelectOptions = {}): Plan {
  const b = new PlanBuilder();
  const restarted = new Map<string, number[]>();
  for (const svc of selectedOrder(project, options.services)) {
    const after = [...serviceDependencies(project.services[svc]!).keys()].sort().flatMap((d) => restarted.get(d) ?? []);
    const ids = serviceContainers(observed, project.name, svc).map((c) => b.add({ op: 'restart-container', ...who(c, svc), reason: 'restart' }, after));
    if (ids.length > 0) restarted.set(svc, ids);
  }
  return b.plan;
}

const killable = (c: ObservedContainer): boolean => c.status === 'running' || c.status === 'restarting';

/**
 * Sends the signal (default SIGKILL) to every running replica, all at once; with `orphans`
 * (--remove-orphans) the running containers of services no longer in the file get it too.
 */
export function planKill(project: Project, observed: ObservedState, options: SelectOptions & { signal?: string; orphans?: boolean } = {}): Plan {
  const b = new PlanBuilder();
  const signal = options.signal ?? 'SIGKILL';
  for (const svc of selectedOrder(project, options.services)) {
    for (const c of serviceContainers(observed, project.name, svc).filter(killable)) {
      b.add({ op: 'kill-container', ...who(c, svc), reason: 'kill', signal });
    }
  }
  if (options.orphans) {
    for (const c of orphanContainers(observed, project).filter(killable)) b.add({ op: 'kill-container', ...who(c, c.labels[L.service] ?? ''), reason: 'orphan', signal });
  }
  return b.plan;
}

/** Freezes every running replica of the selected services (paused ones are left as they are). */
export function planPause(project: Project, observed: ObservedState, options: SelectOptions = {}): Plan {
  const b = new PlanBuilder();
  for (const svc of selectedOrder(project, options.services)) {
    for (const c of serviceContainers(observed, project.name, svc).filter((x) => x.status === 'running')) b.add({ op: 'pause-container', ...who(c, svc), reason: 'pause' });
  }
  return b.plan;
}

/** Thaws every paused replica of the selected services. */
export function planUnpause(project: Project, observed: ObservedState, options: SelectOptions = {}): Plan {
  const b = new PlanBuilder();
  for (const svc of selectedOrder(project, options.services)) {
    for (const c of serviceContainers(observed, project.name, svc).filter((x) => x.status === 'paused')) b.add({ op: 'unpause-container', ...who(c, svc), reason: 'unpause' });
  }
  return b.plan;
}

/** Removes the stopped replicas; with `stop` (-s) the running ones are stopped first, otherwise left alone. */
export function planRm(project: Project, observed: ObservedState, options: SelectOptions & { stop?: boolean; volumes?: boolean } = {}): Plan {
  const b = new PlanBuilder();
  const containers = selectedOrder(project, options.services).flatMap((s) => serviceContainers(observed, project.name, s));
  const targets = options.stop ? containers : containers.filter((c) => !isUp(c));
  planStopRemoveInReverse(b, targets, dependentsOf(project), 'rm', options.volumes);
  return b.plan;
}
