/**
 * The Plan: an ordered list of steps, each one atomic operation on one resource, with the ids of the
 * steps it must wait for. Steps are appended in an order where dependencies come first, so a sequential
 * executor can run them as listed and a parallel one can start each as soon as its dependencies finish.
 * Its text form (renderPlan) is the planner's test surface, in the spirit of docker compose's
 * `[1,2] -> #3 service:web:1, CreateContainer, no existing container`.
 */
import type { DependsOnConfig } from '../compose/types.js';

export type StepOp =
  | 'create-network' | 'remove-network'
  | 'create-volume' | 'remove-volume'
  | 'pull' | 'remove-image'
  | 'create-container' | 'recreate-container' | 'start-container' | 'stop-container' | 'restart-container'
  | 'kill-container' | 'remove-container' | 'pause-container' | 'unpause-container';

/** Which recreate check fired (the checklist of architecture rule 4). */
export type RecreateCheck = 'policy' | 'parent' | 'config' | 'image' | 'network' | 'mount';

/** A depends_on condition the executor waits for before starting the step's container. */
export interface AwaitCondition { service: string; condition: DependsOnConfig['condition']; required: boolean }

export interface Step {
  id: number;
  op: StepOp;
  /** docker compose's progress id: "Container demo-web-1", "Network demo_default", "Volume demo_db", "Image redis" */
  resource: string;
  reason: string;
  dependsOn: number[];
  service?: string;
  number?: number;
  /** the observed container the step acts on (stop, remove, recreate, start of an existing one) */
  containerId?: string;
  /** the recreate check that fired, and the config field when it could be told */
  check?: RecreateCheck;
  field?: string;
  /** recreate: keep the old container's anonymous volumes (false under -V) */
  inheritAnonymousVolumes?: boolean;
  /** remove-container: also remove its anonymous volumes */
  removeVolumes?: boolean;
  /** start-container: conditions to wait for first */
  awaits?: AwaitCondition[];
  /** kill-container: the signal */
  signal?: string;
  /**
   * The name of the network/volume/image to create or remove, or of the container to create. A recreate
   * names the final name: the executor creates the new container as `<old id, 12 chars>_<name>`, stops and
   * removes the old one, then renames the new one (docker compose's order: the old one stays until the new
   * one exists).
   */
  name?: string;
  /** the Compose key of a network or volume */
  key?: string;
}

export interface Plan {
  steps: Step[];
  /** messages the caller shows as warnings (orphans left, diverged volumes kept) */
  warnings: string[];
}

export type NewStep = Omit<Step, 'id' | 'dependsOn'>;

/** Appends steps with increasing ids; deps are deduplicated and sorted. */
export class PlanBuilder {
  readonly plan: Plan = { steps: [], warnings: [] };

  add(step: NewStep, deps: Array<number | undefined> = []): number {
    const id = this.plan.steps.length + 1;
    const dependsOn = [...new Set(deps.filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
    this.plan.steps.push({ id, ...step, dependsOn });
    return id;
  }

  warn(message: string): void {
    this.plan.warnings.push(message);
  }
}

export const containerResource = (name: string): string => `Container ${name}`;
export const networkResource = (name: string): string => `Network ${name}`;
export const volumeResource = (name: string): string => `Volume ${name}`;
export const imageResource = (name: string): string => `Image ${name}`;

/** One line per step, `[deps] -> #id op Resource name: reason`, then one `warning:` line per warning. */
export function renderPlan(plan: Plan): string {
  const lines = plan.steps.map((s) => {
    const extra = [
      s.awaits?.length ? `awaits ${s.awaits.map((a) => `${a.service}:${a.condition}${a.required ? '' : '?'}`).join(',')}` : '',
      s.inheritAnonymousVolumes === false ? 'renew anonymous volumes' : '',
      s.removeVolumes ? 'with volumes' : '',
      s.signal ? `signal ${s.signal}` : '',
    ].filter(Boolean);
    return `[${s.dependsOn.join(',')}] -> #${s.id} ${s.op} ${s.resource}: ${s.reason}${extra.length ? ` (${extra.join('; ')})` : ''}`;
  });
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.length ? `${lines.join('\n')}\n` : '(nothing to do)\n';
}
