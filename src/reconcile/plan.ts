/**
 * planUp: the pure planner behind `up` and `create`. It compares the Project (desired) with the observed
 * state and returns a Plan; it makes no calls and no decisions are left to the executor. Phases, as
 * docker compose's reconcile: networks → volumes → containers (services in dependency order: scale down,
 * recreate diverged, start/unpause the up-to-date, scale up) → orphans.
 */
import { serviceHash } from '../compose/hash.js';
import type { Project, ServiceConfig } from '../compose/types.js';
import { UserError } from '../errors.js';
import { serviceClosure, serviceDependencies, serviceFromMode, serviceFromVolumesFrom, serviceOrder } from '../graph/project-graph.js';
import { containerName, nextNumbers } from './labels.js';
import { checkRecreate, type RecreatePolicy, type RecreateVerdict } from './recreate-checks.js';
import { PlanBuilder, containerResource, imageResource, type AwaitCondition, type Plan } from './plan-model.js';
import { planNetworksAndVolumes, usedResources, type ResourceSteps } from './plan-resources.js';
import { isUp, numberOf, orphanContainers, serviceContainers, serviceOf, type ObservedContainer, type ObservedState } from './observed.js';

export { renderPlan, type Plan, type Step, type StepOp } from './plan-model.js';

export interface UpOptions {
  /** the services named on the command line; empty or absent: all */
  services?: string[];
  /** --no-deps: leave the selected services' dependencies out */
  noDeps?: boolean;
  /** --scale svc=n (wins over `scale` and `deploy.replicas`) */
  scale?: Record<string, number>;
  /** for the selected services: 'diverged' (default), 'force' (--force-recreate), 'never' (--no-recreate) */
  recreate?: RecreatePolicy;
  /** --always-recreate-deps: force-recreate the dependencies that are not selected */
  alwaysRecreateDeps?: boolean;
  /** -V: recreated containers get fresh anonymous volumes instead of the old ones' */
  renewAnonVolumes?: boolean;
  /** --remove-orphans (or COMPOSE_REMOVE_ORPHANS, resolved by the caller) */
  removeOrphans?: boolean;
  /** COMPOSE_IGNORE_ORPHANS: no warning */
  ignoreOrphans?: boolean;
  /** --no-start (`create`): create containers, start nothing */
  noStart?: boolean;
  /** the image digest each service resolves to now; a service left out is not checked (its image is to be pulled) */
  imageDigests?: Record<string, string>;
  /** the config hash per service; default src/compose/hash.ts's serviceHash */
  configHash?: (service: ServiceConfig) => string;
  /** services whose image the caller's pull policy decided to pull, with the reason */
  pulls?: Record<string, string>;
}

/** `scale` > `deploy.replicas` > 1, overridden by --scale; container_name and more than one replica is an error. */
export function planScale(service: ServiceConfig, override?: number): number {
  const n = override ?? service.scale ?? service.deploy?.replicas ?? 1;
  if (n > 1 && service.container_name) {
    throw new UserError('E_SCALE_CONTAINER_NAME', `WARNING: The "${service.name}" service is using the custom container name "${service.container_name}". Docker requires each container to have a unique name. Remove the custom name to scale the service`);
  }
  return n;
}

export function assertServicesExist(project: Project, services: string[]): void {
  for (const s of services) {
    if (project.services[s]) continue;
    const hint = project.disabledServices?.[s] ? `service "${s}" is disabled by profiles; enable it with --profile ${project.disabledServices[s]!.profiles?.[0] ?? '<name>'}` : undefined;
    throw new UserError('E_NO_SUCH_SERVICE', `no such service: ${s}`, { hint });
  }
}

/** The services a command acts on: the selected ones (all when none) and, unless noDeps, their dependencies. */
export function planScope(project: Project, selected: string[], noDeps = false): string[] {
  assertServicesExist(project, selected);
  const roots = selected.length > 0 ? selected : Object.keys(project.services);
  const scope = noDeps ? new Set(roots) : serviceClosure(project, roots);
  return serviceOrder(project, scope);
}

export function planUp(project: Project, observed: ObservedState, options: UpOptions = {}): Plan {
  const b = new PlanBuilder();
  const selected = options.services ?? [];
  let order = planScope(project, selected, options.noDeps);
  const scales = new Map(order.map((s) => [s, planScale(project.services[s]!, options.scale?.[s])]));
  const pulls = planPulls(b, project, order, options.pulls ?? {});
  const resources = planNetworksAndVolumes(b, project, observed, usedResources(project, order));
  // a recreated network takes every attached replica with it: services outside the selection get theirs back
  const displaced = observed.containers.filter((c) => resources.removed.has(c.id)).map(serviceOf).filter((s) => project.services[s] && !scales.has(s));
  if (displaced.length > 0) {
    order = serviceOrder(project, new Set([...order, ...displaced]));
    for (const s of displaced) scales.set(s, serviceContainers(observed, project.name, s).length);
  }
  const state: UpState = { project, observed, options, b, resources, pulls, created: new Map(), started: new Map(), recreated: new Set() };
  for (const name of order) {
    const isSelected = selected.length === 0 || selected.includes(name);
    planService(state, project.services[name]!, scales.get(name)!, policyFor(isSelected, options));
  }
  planOrphans(b, project, observed, options);
  return b.plan;
}

interface UpState {
  project: Project;
  observed: ObservedState;
  options: UpOptions;
  b: PlanBuilder;
  resources: ResourceSteps;
  pulls: Map<string, number>;
  /** service → its last create/recreate/remove step, for services that depend on it */
  created: Map<string, number[]>;
  /** service → its start/unpause steps */
  started: Map<string, number[]>;
  /** services with at least one container recreated (or removed for a network) in this plan */
  recreated: Set<string>;
}

function policyFor(isSelected: boolean, o: UpOptions): { policy: RecreatePolicy; source?: string } {
  if (isSelected) return { policy: o.recreate ?? 'diverged', source: '--force-recreate' };
  if (o.recreate === 'never') return { policy: 'never' };
  if (o.alwaysRecreateDeps) return { policy: 'force', source: '--always-recreate-deps' };
  return { policy: 'diverged' };
}

function planPulls(b: PlanBuilder, project: Project, order: string[], pulls: Record<string, string>): Map<string, number> {
  const byImage = new Map<string, number>();
  const out = new Map<string, number>();
  for (const name of order) {
    const reason = pulls[name];
    const image = project.services[name]!.image;
    if (reason === undefined || !image) continue;
    if (!byImage.has(image)) byImage.set(image, b.add({ op: 'pull', resource: imageResource(image), reason, service: name, name: image }));
    out.set(name, byImage.get(image)!);
  }
  return out;
}

function planService(st: UpState, service: ServiceConfig, scale: number, policy: { policy: RecreatePolicy; source?: string }): void {
  const { project, observed, options, b, resources } = st;
  const name = service.name;
  const containers = serviceContainers(observed, project.name, name).filter((c) => !resources.removed.has(c.id));
  const removedForNetwork = serviceContainers(observed, project.name, name).map((c) => resources.removed.get(c.id)).find(Boolean);
  if (removedForNetwork) st.recreated.add(name);

  const verdicts = new Map(containers.map((c) => [c.id, verdictFor(st, service, c, policy)]));
  // docker compose keeps the up-to-date containers first, then the lowest numbers
  const ranked = [...containers].sort((x, y) => Number(verdicts.get(x.id) !== undefined) - Number(verdicts.get(y.id) !== undefined) || numberOf(x) - numberOf(y));
  const kept = ranked.slice(0, scale);
  const obsolete = ranked.slice(scale).sort((x, y) => numberOf(x) - numberOf(y));

  const infra = infraSteps(st, service);
  const depsCreated = dependencyNames(project, service).flatMap((d) => st.created.get(d) ?? []);
  const depsStarted = dependencyNames(project, service).flatMap((d) => st.started.get(d) ?? []);
  const awaits = awaitsOf(project, service);
  const restartDep = Object.entries(service.depends_on ?? {}).filter(([d, cfg]) => cfg.restart === true && st.recreated.has(d)).map(([d]) => d).sort()[0];
  const created: number[] = [];
  const started: number[] = [];
  const who = (c: ObservedContainer) => ({ resource: containerResource(c.name), service: name, number: numberOf(c), containerId: c.id });

  for (const c of obsolete) {
    const stop = isUp(c) ? b.add({ op: 'stop-container', ...who(c), reason: 'scale down' }) : undefined;
    created.push(b.add({ op: 'remove-container', ...who(c), reason: 'scale down' }, [stop]));
  }
  for (const c of kept) {
    const verdict = verdicts.get(c.id);
    if (verdict) {
      st.recreated.add(name);
      const finalName = containerName(project.name, name, numberOf(c), service.container_name);
      const step = b.add({ op: 'recreate-container', ...who(c), resource: containerResource(finalName), name: finalName, reason: verdict.reason, check: verdict.check, field: verdict.field, inheritAnonymousVolumes: !options.renewAnonVolumes }, [...infra, ...depsCreated]);
      created.push(step);
      if (!options.noStart) started.push(b.add({ op: 'start-container', ...who(c), resource: containerResource(finalName), reason: 'recreated', awaits }, [step, ...depsStarted]));
    } else if (restartDep && isUp(c) && !options.noStart) {
      // docker compose restarts (does not recreate) a dependent whose `restart: true` dependency was recreated
      started.push(b.add({ op: 'restart-container', ...who(c), reason: `dependency ${restartDep} recreated (restart: true)`, awaits }, depsStarted));
    } else if (c.status === 'paused') {
      started.push(b.add({ op: 'unpause-container', ...who(c), reason: 'paused' }, depsStarted));
    } else if (!isUp(c) && !options.noStart) {
      started.push(b.add({ op: 'start-container', ...who(c), reason: `not running (${c.status})`, awaits }, [...infra, ...depsStarted]));
    }
  }
  const numbers = nextNumbers(kept.map(numberOf), Math.max(0, scale - kept.length));
  // replicas sharing this service's namespaces point at containers that are gone: they follow as if it were recreated
  if (kept.length === 0 && numbers.length > 0) st.recreated.add(name);
  for (const n of numbers) {
    const cname = containerName(project.name, name, n, service.container_name);
    const reason = removedForNetwork ? `network ${removedForNetwork} recreated` : 'no existing container';
    const step = b.add({ op: 'create-container', resource: containerResource(cname), name: cname, service: name, number: n, reason, check: removedForNetwork ? 'network' : undefined }, [...infra, ...depsCreated]);
    created.push(step);
    if (!options.noStart) started.push(b.add({ op: 'start-container', resource: containerResource(cname), service: name, number: n, reason: 'created', awaits }, [step, ...depsStarted]));
  }
  if (created.length > 0) st.created.set(name, created);
  if (started.length > 0) st.started.set(name, started);
}

function verdictFor(st: UpState, service: ServiceConfig, c: ObservedContainer, p: { policy: RecreatePolicy; source?: string }): RecreateVerdict | undefined {
  const { project } = st;
  const hash = st.options.configHash ?? serviceHash;
  return checkRecreate({
    policy: p.policy,
    policySource: p.source,
    service,
    container: c,
    expectedHash: hash(service),
    expectedDigest: st.options.imageDigests?.[service.name],
    expectedNetworks: service.network_mode ? [] : Object.keys(service.networks ?? {}).filter((k) => project.networks[k]).map((k) => project.networks[k]!.name).sort(),
    expectedVolumes: (service.volumes ?? []).filter((v) => v.type === 'volume' && v.source && project.volumes[v.source]).map((v) => project.volumes[v.source!]!.name),
    recreatedParents: recreatedParents(service, st.recreated),
  });
}

function recreatedParents(service: ServiceConfig, recreated: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of ['network_mode', 'ipc', 'pid'] as const) {
    const parent = serviceFromMode(service[key]);
    if (parent && recreated.has(parent)) out.set(parent, key);
  }
  for (const entry of service.volumes_from ?? []) {
    const parent = serviceFromVolumesFrom(entry);
    if (parent && recreated.has(parent) && !out.has(parent)) out.set(parent, 'volumes_from');
  }
  return out;
}

/** The steps creating what the service's containers need: networks, volumes, its image. */
function infraSteps(st: UpState, service: ServiceConfig): number[] {
  const out: number[] = [];
  if (!service.network_mode) for (const key of Object.keys(service.networks ?? {}).sort()) { const s = st.resources.networks.get(key); if (s) out.push(s); }
  for (const v of service.volumes ?? []) { const s = v.type === 'volume' && v.source ? st.resources.volumes.get(v.source) : undefined; if (s) out.push(s); }
  const pull = st.pulls.get(service.name);
  if (pull) out.push(pull);
  return out;
}

/** Services this one must follow (depends_on, links, namespaces, volumes_from) that are in the project. */
function dependencyNames(project: Project, service: ServiceConfig): string[] {
  return [...serviceDependencies(service).keys()].filter((n) => project.services[n]).sort();
}

/** depends_on conditions the executor must wait for (service_started is met by the step order itself). */
export function awaitsOf(project: Project, service: ServiceConfig): AwaitCondition[] | undefined {
  const out = Object.entries(service.depends_on ?? {})
    .filter(([d, cfg]) => cfg.condition !== 'service_started' && project.services[d])
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([d, cfg]) => ({ service: d, condition: cfg.condition, required: cfg.required }));
  return out.length > 0 ? out : undefined;
}

/** docker compose's warning, or stop + remove with --remove-orphans. */
function planOrphans(b: PlanBuilder, project: Project, observed: ObservedState, options: UpOptions): void {
  const orphans = orphanContainers(observed, project);
  if (orphans.length === 0) return;
  if (!options.removeOrphans) {
    if (!options.ignoreOrphans) b.warn(orphanWarning(orphans));
    return;
  }
  for (const c of orphans) {
    const who = { resource: containerResource(c.name), containerId: c.id, reason: 'orphaned container' };
    const stop = isUp(c) ? b.add({ op: 'stop-container', ...who }) : undefined;
    b.add({ op: 'remove-container', ...who }, [stop]);
  }
}

export function orphanWarning(orphans: ObservedContainer[]): string {
  // docker compose formats a Go []string with %s: `([a b])`
  return `Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`;
}
