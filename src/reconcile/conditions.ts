/**
 * depends_on conditions as pure predicates over the dependency's observed replicas. The executor polls:
 * "waiting" means poll again, "satisfied" means go on, "skipped: …" means an optional (`required: false`)
 * dependency failed and the dependant goes on after a warning, "failed: …" stops the dependant. The texts
 * are docker compose's (convergence.go), so scripts matching them keep working.
 */
import type { DependsOnConfig, Project } from '../compose/types.js';
import type { ObservedContainer } from './observed.js';

export type DependencyVerdict = 'satisfied' | 'waiting' | `failed: ${string}` | `skipped: ${string}`;

/** `up --wait`'s condition: healthy when a healthcheck exists, else running. */
export type WaitCondition = DependsOnConfig['condition'] | 'running_or_healthy';

export interface DependencyInput {
  /** the service that waits */
  dependant: string;
  /** the service waited for */
  dependency: string;
  condition: WaitCondition;
  required: boolean;
  /** the dependency's replicas (no one-offs) */
  containers: ObservedContainer[];
}

export function checkDependency(i: DependencyInput): DependencyVerdict {
  if (i.containers.length === 0) {
    const msg = `${i.dependant} is missing dependency ${i.dependency}`;
    return i.required ? `failed: ${msg}` : `skipped: ${msg}`;
  }
  switch (i.condition) {
    case 'service_started':
      return i.containers.every((c) => c.status !== 'created') ? 'satisfied' : 'waiting';
    case 'service_healthy': {
      const h = checkHealthy(i.containers, false);
      if (typeof h !== 'object') return h;
      return i.required ? `failed: dependency failed to start: ${h.error}` : `skipped: optional dependency "${i.dependency}" failed to start: ${h.error}`;
    }
    case 'running_or_healthy': {
      const h = checkHealthy(i.containers, true);
      if (typeof h !== 'object') return h;
      return i.required ? `failed: ${h.error}` : `skipped: optional dependency "${i.dependency}" is not running or is unhealthy: ${h.error}`;
    }
    case 'service_completed_successfully': {
      const exited = i.containers.find((c) => c.status === 'exited' || c.status === 'dead');
      if (!exited) return 'waiting';
      const code = exited.exitCode ?? 0;
      if (code === 0) return 'satisfied';
      const suffix = `"${i.dependency}" didn't complete successfully: exit ${code}`;
      return i.required ? `failed: service ${suffix}` : `skipped: optional dependency ${suffix}`;
    }
  }
}

/**
 * Every replica healthy (or, with fallbackRunning and no healthcheck, running). docker compose checks
 * replicas in turn and reports the first problem it meets; so does this.
 */
function checkHealthy(containers: ObservedContainer[], fallbackRunning: boolean): 'satisfied' | 'waiting' | { error: string } {
  for (const c of containers) {
    if (c.status === 'exited') return { error: `container ${c.name} exited (${c.exitCode ?? 0})` };
    if (c.status === 'created') return 'waiting'; // no health state exists before the first start
    if (c.health === null) {
      if (fallbackRunning) {
        if (c.status === 'running') continue;
        return 'waiting';
      }
      return { error: `container ${c.name} has no healthcheck configured` };
    }
    if (c.health === 'unhealthy') return { error: `container ${c.name} is unhealthy` };
    if (c.health === 'starting') return 'waiting';
  }
  return 'satisfied';
}

/** Verdicts of every depends_on entry of a service, in file order; the first failure decides. */
export function checkDependencies(dependant: string, dependsOn: Record<string, DependsOnConfig>, replicas: (service: string) => ObservedContainer[]): { verdict: DependencyVerdict; dependency?: string; warnings: string[] } {
  const warnings: string[] = [];
  let waitingOn: string | undefined;
  for (const [dependency, cfg] of Object.entries(dependsOn)) {
    const v = checkDependency({ dependant, dependency, condition: cfg.condition, required: cfg.required, containers: replicas(dependency) });
    if (v.startsWith('failed: ')) return { verdict: v, dependency, warnings };
    if (v.startsWith('skipped: ')) warnings.push(v.slice('skipped: '.length));
    if (v === 'waiting') waitingOn ??= dependency;
  }
  return waitingOn ? { verdict: 'waiting', dependency: waitingOn, warnings } : { verdict: 'satisfied', warnings };
}

/**
 * `up --wait`'s condition for one service: a one-shot that another service waits for with
 * service_completed_successfully is awaited to complete (it is not expected to keep running); every
 * other service to be running, or healthy when it has a healthcheck (docker compose's getDependencyCondition).
 */
export function waitConditionOf(project: Project, service: string): WaitCondition {
  const oneShot = Object.values(project.services).some((s) => s.depends_on?.[service]?.condition === 'service_completed_successfully');
  return oneShot ? 'service_completed_successfully' : 'running_or_healthy';
}
