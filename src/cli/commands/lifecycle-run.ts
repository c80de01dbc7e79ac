/**
 * What start, stop, restart, kill, rm, pause and unpause share: load the project, take its lock, observe,
 * plan with one of the small planners, then execute with progress on stderr (or print the plan under
 * --dry-run). Each command file only picks the planner, the title and its flags.
 */
import type { CommandContext } from '../command.js';
import { usageError } from '../../errors.js';
import type { Project, ServiceConfig } from '../../compose/types.js';
import { collectObserved } from '../../reconcile/collect.js';
import { L } from '../../reconcile/labels.js';
import { createStepRunner } from '../../reconcile/exec-steps.js';
import { executePlan } from '../../reconcile/execute.js';
import { isOneoff, type ObservedState } from '../../reconcile/observed.js';
import { renderPlan, type Plan } from '../../reconcile/plan-model.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { emptyProject, labelContext, loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';

/** Pure: -t/--timeout seconds into milliseconds; undefined keeps each container's stop_grace_period. */
export function parseStopTimeout(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw usageError(`invalid -t/--timeout "${String(v)}": want a number of seconds`);
  return Number(v) * 1000;
}

export interface LifecycleRun {
  /** the tty header title: "Stopping", "Starting", ... */
  title: string;
  plan: (project: Project, observed: ObservedState) => Plan;
  stopTimeoutMs?: number;
  /** called with the plan before anything runs; false cancels (rm's confirmation) */
  confirm?: (plan: Plan) => Promise<boolean>;
  /**
   * Without a Compose file, `-p NAME` acts on what carries the project label (docker compose's projectOrName).
   * Not for start/restart: a start attaches networks as the file declares them.
   */
  withoutFile?: boolean;
}

/**
 * Pure: the project as its containers describe it, for commands run with `-p NAME` and no Compose file: one
 * service per service label, depends_on from the com.docker.compose.depends_on labels (for the stop order).
 */
export function projectFromLabels(name: string, observed: ObservedState, workingDir: string): Project {
  const project = emptyProject(name, workingDir);
  const services: Record<string, ServiceConfig> = {};
  for (const c of observed.containers) {
    const svc = c.labels[L.service];
    if (c.labels[L.project] !== name || !svc || isOneoff(c)) continue;
    const s = (services[svc] ??= { name: svc, depends_on: {} });
    for (const entry of (c.labels[L.dependsOn] ?? '').split(',').filter(Boolean)) {
      const [dep, condition] = entry.split(':');
      if (dep) s.depends_on![dep] = { condition: (condition as NonNullable<ServiceConfig['depends_on']>[string]['condition']) || 'service_started', required: false };
    }
  }
  // a dependency without containers is not a service here (its containers are gone)
  for (const s of Object.values(services)) for (const dep of Object.keys(s.depends_on!)) if (!services[dep]) delete s.depends_on![dep];
  return { ...project, services };
}

/** The Compose file's project; with `withoutFile`, `-p NAME` and no file, the project its labels describe. */
export async function collectProject(ctx: CommandContext, withoutFile: boolean): Promise<Project> {
  try {
    return await loadComposeProject(ctx, ctx.args);
  } catch (e) {
    if (!withoutFile || !ctx.global.projectName || (e as { code?: string }).code !== 'E_NO_FILE') throw e;
    const name = ctx.global.projectName;
    return projectFromLabels(name, collectObserved(name), ctx.cwd);
  }
}

/** Runs one planner against the project; returns the exit code. */
export async function runLifecycle(ctx: CommandContext, run: LifecycleRun): Promise<number> {
  const project = await collectProject(ctx, run.withoutFile === true);
  printWarnings(ctx, project.warnings);
  return withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), () => execLifecycle(ctx, project, run));
}

/** The part under the lock, for callers that run more than one plan in a row (rm -s). */
export async function execLifecycle(ctx: CommandContext, project: Project, run: LifecycleRun): Promise<number> {
  const plan = run.plan(project, collectObserved(project.name));
  printWarnings(ctx, plan.warnings);
  if (ctx.global.dryRun) {
    ctx.stdout.write(renderPlan(plan));
    return 0;
  }
  if (run.confirm && !(await run.confirm(plan))) return 0;
  if (plan.steps.length === 0) return 0;
  const renderer = progressRenderer(ctx);
  renderer.start(run.title);
  try {
    const runner = createStepRunner({ project, labels: labelContext(project), imageDigests: {}, stopTimeoutMs: run.stopTimeoutMs, emit: (e) => renderer.event(e) });
    await executePlan(plan, runner.run, { parallel: ctx.global.parallel, before: runner.before, emit: (e) => renderer.event(e) });
  } finally {
    renderer.stop();
  }
  return 0;
}
