/**
 * `down [-v] [--remove-orphans] [--rmi local|all] [-t N]`: stop and remove the project's containers, its
 * networks (not external ones) and with -v its named and anonymous volumes. Without a Compose file,
 * `-p NAME down` removes everything labelled with the project.
 */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { collectObserved } from '../../reconcile/collect.js';
import { createStepRunner } from '../../reconcile/exec-steps.js';
import { executePlan } from '../../reconcile/execute.js';
import { planDown } from '../../reconcile/plan-down.js';
import { renderPlan } from '../../reconcile/plan-model.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { emptyProject, labelContext, printWarnings, progressRenderer } from './compose-project.js';
import { projectOrName } from './project-or-name.js';

/** Pure: -t seconds into milliseconds; undefined keeps each container's stop_grace_period. */
export function parseTimeout(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw usageError(`invalid -t/--timeout "${String(v)}": want a number of seconds`);
  return Number(v) * 1000;
}

const down: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const timeoutMs = parseTimeout(o.timeout);
  if (o.rmi !== undefined && o.rmi !== 'local' && o.rmi !== 'all') throw usageError(`invalid --rmi "${String(o.rmi)}": want local or all`);
  // `down -p name` works without the Compose file (docker compose does the same)
  const { name, project } = await projectOrName(ctx);
  if (project) printWarnings(ctx, project.warnings);
  return withProjectLock(name, (m) => ctx.stderr.write(`${m}\n`), async () => {
    const plan = planDown(project, collectObserved(name), { projectName: name, volumes: o.volumes === true, removeOrphans: o.removeOrphans === true, rmi: o.rmi as 'local' | 'all' | undefined });
    printWarnings(ctx, plan.warnings);
    if (ctx.global.dryRun) {
      ctx.stdout.write(renderPlan(plan));
      return 0;
    }
    // down only stops and removes: without a Compose file an empty project of that name is enough
    const base = project ?? emptyProject(name, ctx.cwd);
    const runStep = createStepRunner({ project: base, labels: labelContext(base), imageDigests: {}, stopTimeoutMs: timeoutMs });
    const renderer = progressRenderer(ctx);
    renderer.start('Running');
    try {
      await executePlan(plan, runStep.run, { parallel: ctx.global.parallel, emit: (e) => renderer.event(e) });
    } finally {
      renderer.stop();
    }
    return 0;
  });
};
export default down;
