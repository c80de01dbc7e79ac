/**
 * pre_start hooks as docker compose runs them (pkg/compose/pre_start.go), the pure half: unlike post_start
 * and pre_stop (hooks.ts: execs in the service's container), each pre_start hook is an ephemeral container
 * made before the service's containers start, and only when none of them runs yet (a first up, a recreate,
 * a start after stop). It runs the hook's image (default: the service's) with the hook's command, user,
 * working_dir and privileged flag, the service's environment plus the hook's, the volumes of the
 * lowest-numbered replica (volumes_from) and the service's networks. Exit 0: it is removed with its
 * anonymous volumes. Non-zero: the service's start fails and the container is kept for `logs`/`inspect`;
 * the next run of the hooks and `down` remove it. It carries the project and service labels plus
 * com.docker.compose.hook=pre_start, but no oneoff, number or config-hash label: it is no replica.
 */
import type { ContainerSpec } from '../../runtime/index.js';
import type { Project, ServiceConfig, ServiceHook, ServiceNetworkConfig } from '../compose/types.js';
import { UserError } from '../errors.js';
import { L, type LabelContext } from './labels.js';
import { imageResource, type Plan } from './plan-model.js';

export const PRE_START_HOOK = 'pre_start';

/** docker compose keeps this much of a failing hook's output for the error message. */
const TAIL_LINES = 10;
const TAIL_BYTES = 2048;

/** True for a pre_start hook container (of any service): such a container is never a replica. */
export function isPreStartHook(labels: Record<string, string>): boolean {
  return labels[L.hook] === PRE_START_HOOK;
}

/** docker compose refuses per_replica before running anything, with this message. */
export function checkPreStartHooks(service: ServiceConfig): void {
  (service.pre_start ?? []).forEach((h, i) => {
    const perReplica = (h as ServiceHook & { per_replica?: unknown }).per_replica;
    if (perReplica === true || perReplica === 'true') {
      throw new UserError('E_PRE_START', `service "${service.name}" pre_start[${i}]: per_replica is not yet supported; remove per_replica or set it to false`);
    }
  });
}

export interface ReplicaFacts { name: string; status: string; labels: Record<string, string> }

/**
 * Whether the hooks run, and whose volumes they see: only when every replica of the service is being
 * started (none runs), then the lowest-numbered one, so the choice does not depend on listing order.
 * One-off and hook containers are not replicas. undefined: no hooks this time.
 */
export function planPreStartSource<T extends ReplicaFacts>(containers: T[]): T | undefined {
  const replicas = containers.filter((c) => c.labels[L.oneoff] !== 'True' && !isPreStartHook(c.labels));
  if (replicas.length === 0 || replicas.some((c) => c.status === 'running')) return undefined;
  const num = (c: T) => { const n = Number(c.labels[L.number]); return Number.isInteger(n) ? n : 0; };
  return replicas.reduce((low, c) => (num(c) < num(low) ? c : low));
}

/**
 * The service the hook container is made from: nothing of the service but its environment, networks and
 * network_mode. Fixed addresses and aliases are the replicas' own (the replica already holds its address).
 */
export function planPreStartService(project: Project, service: ServiceConfig, hook: ServiceHook, source: string): ServiceConfig {
  const networks = service.networks
    ? Object.fromEntries(Object.entries(service.networks).map(([k, n]): [string, ServiceNetworkConfig | null] => [k, n && (n.priority !== undefined || n.gw_priority !== undefined)
      ? { ...(n.priority !== undefined ? { priority: n.priority } : {}), ...(n.gw_priority !== undefined ? { gw_priority: n.gw_priority } : {}) }
      : null]))
    : undefined;
  const out: ServiceConfig = {
    name: service.name,
    image: hook.image ?? service.image ?? `${project.name}-${service.name}`,
    environment: { ...(service.environment ?? {}), ...(hook.environment ?? {}) },
    volumes_from: [`container:${source}`],
  };
  if (hook.command.length > 0) out.command = [...hook.command];
  if (hook.user) out.user = hook.user;
  if (hook.working_dir) out.working_dir = hook.working_dir;
  if (hook.privileged) out.privileged = true;
  if (networks) out.networks = networks;
  if (service.network_mode) out.network_mode = service.network_mode;
  return out;
}

/** The planned spec turned into the hook container's: only the project, service, version and hook labels. */
export function planPreStartSpec(spec: ContainerSpec, labels: LabelContext, service: string): ContainerSpec {
  return {
    ...spec,
    labels: { [L.project]: labels.project, [L.service]: service, [L.version]: labels.version, [L.hook]: PRE_START_HOOK },
    restart: { policy: 'no' },
  };
}

/** `<project>-<service>-pre_start-<12 hex>`: docker leaves the container unnamed; a name shows whose it is. */
export function planPreStartName(project: string, service: string, slug: string): string {
  return `${project}-${service}-pre_start-${slug.slice(0, 12)}`;
}

/** docker compose's message for a hook that failed: the exit code, the output's tail, the kept container. */
export function preStartFailure(service: string, index: number, result: { exitCode: number; error?: string | null }, containerId: string, tail: string): string {
  const base = result.error
    ? `service "${service}" pre_start[${index}] wait error: ${result.error}`
    : `service "${service}" pre_start[${index}] exited with code ${result.exitCode}`;
  return `${base}${tail ? `: ${tail}` : ''} (hook container ${containerId.slice(0, 12)} retained for inspection)`;
}

/** Pure: whether a finished hook failed (a non-zero exit, or an error the runtime reports). */
export function checkPreStartFailed(result: { exitCode: number; error?: string | null }): boolean {
  return result.exitCode !== 0 || Boolean(result.error);
}

/**
 * The end of a hook's output for the error message, stderr preferred, else stdout: the last 10 non-blank
 * lines (a progress bar's `\r` rewrites keep their last state), at most 2048 bytes.
 */
export function planOutputTail(entries: Array<{ stream: 'stdout' | 'stderr'; log: string }>): string {
  const tailOf = (stream: 'stdout' | 'stderr') => {
    const lines = entries.filter((e) => e.stream === stream).map((e) => e.log).join('').split('\n')
      .map((l) => l.replace(/\r+$/, '')).map((l) => l.slice(l.lastIndexOf('\r') + 1))
      .filter((l) => l.trim() !== '').slice(-TAIL_LINES);
    const text = lines.join('\n').trim();
    const bytes = Buffer.from(text);
    // a cut inside a multi-byte character drops its broken start rather than showing a replacement mark
    return bytes.length > TAIL_BYTES ? bytes.subarray(bytes.length - TAIL_BYTES).toString('utf8').replace(/^\uFFFD+/, '') : text;
  };
  return tailOf('stderr') || tailOf('stdout');
}

/** The project's kept hook containers (of the given services; all when none is given), for their removal. */
export function selectPreStartHookContainers<T extends { labels: Record<string, string> }>(containers: T[], project: string, services?: string[]): T[] {
  return containers.filter((c) => c.labels[L.project] === project && isPreStartHook(c.labels)
    && (!services || services.length === 0 || services.includes(c.labels[L.service] ?? '')));
}

/**
 * The plan with a pull step for each pre_start hook image (pull-policy.ts decides which), put first as
 * docker compose pulls every image before it starts anything; every start step waits for them (a hook image
 * may serve several services' hooks, and a hook runs right before its service's first start). Ids are
 * renumbered to keep the plan's order (dependencies first).
 */
export function planPreStartPulls(plan: Plan, pulls: ReadonlyArray<{ service: string; image: string; reason: string }>): Plan {
  if (pulls.length === 0) return plan;
  const k = pulls.length;
  const head = pulls.map((p, i) => ({ id: i + 1, op: 'pull' as const, resource: imageResource(p.image), reason: p.reason, dependsOn: [], service: p.service, name: p.image }));
  const steps = plan.steps.map((s) => {
    const pulled = s.op === 'start-container' || s.op === 'restart-container' ? head.map((h) => h.id) : [];
    return { ...s, id: s.id + k, dependsOn: [...pulled, ...s.dependsOn.map((d) => d + k)] };
  });
  return { ...plan, steps: [...head, ...steps] };
}
