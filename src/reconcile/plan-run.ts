/**
 * The pure half of `run` and `exec`: the one-off service a `run` creates (docker compose's applyRunOptions
 * and runOptions.apply), its name and labels, whether a terminal is used, and which container `exec`
 * enters. No runtime calls here; the CLI handlers do the effects.
 */
import type { ContainerSpec } from '../../runtime/index.js';
import type { PortConfig, Project, ServiceConfig, ServiceVolumeConfig } from '../compose/types.js';
import { UserError } from '../errors.js';
import { L, oneoffName } from './labels.js';
import type { ObservedState } from './observed.js';
import { PlanBuilder, type AwaitCondition, type Plan } from './plan-model.js';
import { planNetworksAndVolumes, usedResources } from './plan-resources.js';
import { planScope } from './plan.js';

export interface RunOverrides {
  /** the words after SERVICE; empty keeps the service's command */
  command: string[];
  /** --entrypoint, already split into words */
  entrypoint?: string[];
  /** -e KEY=VALUE or -e KEY (then looked up in the project's environment) */
  env: string[];
  /** -l KEY=VALUE */
  labels: Record<string, string>;
  user?: string;
  workdir?: string;
  /** -v, already in long form */
  volumes: ServiceVolumeConfig[];
  /** -p, already in long form */
  publish: PortConfig[];
  /** --service-ports: keep the service's ports (else only -p's) */
  servicePorts: boolean;
  capAdd: string[];
  capDrop: string[];
  tty: boolean;
  interactive: boolean;
}

/**
 * The service as the one-off container is made from it. Like docker compose: no restart policy, one
 * replica, container_name dropped (the caller names it), ports only with --service-ports or -p,
 * --entrypoint without a command clears the command, -e KEY without a value anywhere is left out.
 */
export function planRunService(service: ServiceConfig, o: RunOverrides, lookupEnv: (key: string) => string | undefined): ServiceConfig {
  const s: ServiceConfig = { ...service, tty: o.tty, stdin_open: o.interactive, scale: 1 };
  delete s.container_name;
  delete s.restart;
  if (s.deploy) s.deploy = { ...s.deploy, restart_policy: undefined, replicas: 1 };
  if (!o.servicePorts) s.ports = [...o.publish];
  if (o.volumes.length > 0) s.volumes = [...(s.volumes ?? []), ...o.volumes];
  if (o.command.length > 0) s.command = [...o.command];
  if (o.user) s.user = o.user;
  if (o.workdir) s.working_dir = o.workdir;
  if (o.capAdd.length > 0) {
    s.cap_add = [...(s.cap_add ?? []), ...o.capAdd];
    s.cap_drop = (s.cap_drop ?? []).filter((c) => !o.capAdd.includes(c));
  }
  if (o.capDrop.length > 0) {
    s.cap_drop = [...(s.cap_drop ?? []), ...o.capDrop];
    s.cap_add = (s.cap_add ?? []).filter((c) => !o.capDrop.includes(c));
  }
  if (o.entrypoint !== undefined) {
    s.entrypoint = [...o.entrypoint];
    if (o.command.length === 0) s.command = [];
  }
  const env = planEnvOverrides(o.env, lookupEnv);
  if (Object.keys(env).length > 0) s.environment = { ...(s.environment ?? {}), ...env };
  if (Object.keys(o.labels).length > 0) s.labels = { ...(s.labels ?? {}), ...o.labels };
  return s;
}

/** `-e K=V` sets, `-e K` takes K from the lookup and is dropped when it has no value there. */
export function planEnvOverrides(entries: string[], lookupEnv: (key: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq === 0) throw new UserError('E_USAGE', `invalid environment variable "${e}": the name is empty`);
    if (eq > 0) { out[e.slice(0, eq)] = e.slice(eq + 1); continue; }
    const v = lookupEnv(e);
    if (v !== undefined) out[e] = v;
  }
  return out;
}

/** `-l KEY=VALUE` entries; docker compose refuses one without `=`. */
export function planLabels(entries: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of entries) {
    const eq = l.indexOf('=');
    if (eq < 1) throw new UserError('E_USAGE', `invalid label "${l}": label must be set as KEY=VALUE`);
    out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

/** --name wins; else `<project>-<service>-run-<12 hex of the slug>`. */
export function planOneoffName(project: string, service: string, slug: string, name?: string): string {
  return name && name.length > 0 ? name : oneoffName(project, service, slug);
}

/**
 * The planned spec of a replica, turned into the one-off's: oneoff True, the slug, no container number.
 * `attachStdin` (run in the foreground): an open stdin is closed by the CLI's EOF (docker's StdinOnce =
 * AttachStdin && OpenStdin).
 */
export function planOneoffSpec(spec: ContainerSpec, slug: string, attachStdin = false): ContainerSpec {
  const labels: Record<string, string> = { ...spec.labels, [L.oneoff]: 'True', [L.slug]: slug };
  delete labels[L.number];
  return { ...spec, labels, ...(attachStdin && spec.stdinOpen ? { stdinOnce: true } : {}) };
}

export interface TtyInput {
  /** -t (true), -T (false), neither (undefined) */
  tty: boolean | undefined;
  interactive: boolean;
  /** -i given explicitly (docker compose then keeps the terminal even when stdin is not one) */
  interactiveExplicit: boolean;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
}

/**
 * A pseudo-terminal when asked with -t, or by default when stdout and stdin are terminals (a script that
 * pipes into the command gets plain streams); -t with an interactive stdin that is no terminal is
 * docker's "the input device is not a TTY".
 */
export function planTty(i: TtyInput): boolean {
  const tty = i.tty ?? (i.stdoutIsTTY && (i.stdinIsTTY || i.interactiveExplicit));
  if (tty && i.interactive && !i.stdinIsTTY) throw new UserError('E_NOT_A_TTY', 'the input device is not a TTY', { hint: 'use -T to run without a terminal' });
  return tty;
}

export interface CandidateContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/**
 * The container `exec` enters: replicas by number, one-off containers last (docker compose's
 * getSpecifiedContainer); --index N picks replica N and never a one-off.
 */
export function pickServiceContainer<C extends CandidateContainer>(running: C[], service: string, index: number | undefined): C {
  const mine = running.filter((c) => c.labels[L.service] === service && (index === undefined || (c.labels[L.oneoff] !== 'True' && c.labels[L.number] === String(index))));
  const oneoff = (c: C) => c.labels[L.oneoff] === 'True';
  const number = (c: C) => Number(c.labels[L.number] ?? 0);
  mine.sort((a, b) => Number(oneoff(a)) - Number(oneoff(b)) || number(a) - number(b) || a.name.localeCompare(b.name));
  const first = mine[0];
  if (!first) {
    throw new UserError('E_NOT_RUNNING', index !== undefined ? `service "${service}" is not running container #${index}` : `service "${service}" is not running`);
  }
  return first;
}

/** `--index N`: a positive integer, or undefined when not given. */
export function parseIndex(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UserError('E_USAGE', `invalid --index "${String(v)}": want a replica number (1, 2, ...)`);
  // docker compose's default is 0: no index
  return Number(v) === 0 ? undefined : Number(v);
}

/** The services `run` brings up first: the target's dependencies (none with --no-deps), in start order. */
export function planRunDependencies(project: Project, target: string, noDeps: boolean): string[] {
  return noDeps ? [] : planScope(project, [target]).filter((s) => s !== target);
}

/**
 * The depends_on conditions the one-off waits for before it is created (docker compose's waitDependencies):
 * service_started holds already once the dependencies were brought up, so only health and completion are awaited.
 */
export function planRunAwaits(project: Project, service: ServiceConfig): AwaitCondition[] {
  return Object.entries(service.depends_on ?? {})
    .filter(([dep, d]) => project.services[dep] && d.condition !== 'service_started')
    .map(([dep, d]) => ({ service: dep, condition: d.condition, required: d.required !== false }));
}

/**
 * The networks and volumes the one-off needs that do not exist yet. A network whose config changed would
 * take the project's running containers down with it: that is `up`'s job, so it is refused here.
 */
export function planRunResources(project: Project, observed: ObservedState, target: string): Plan {
  const b = new PlanBuilder();
  planNetworksAndVolumes(b, project, observed, usedResources(project, [target]));
  const changed = b.plan.steps.find((s) => s.op === 'remove-network');
  if (changed) {
    throw new UserError('E_RUN_NETWORK_CHANGED', `service "${target}": ${changed.resource.toLowerCase()} has changed in the Compose file`, { hint: 'run `tscompose up -d` first to recreate it with the project\'s containers' });
  }
  return b.plan;
}
