/**
 * `up -d [SERVICE...]`: observe → plan → execute under the project lock. Images must be in the store or are
 * pulled by reference; --dry-run prints the plan and changes nothing; --wait polls until every service of
 * the scope is running (or healthy when it has a healthcheck).
 */
import type { CommandHandler } from '../command.js';
import { UserError, usageError } from '../../errors.js';
import { findImage, listContainers } from '../../../runtime/index.js';
import type { Project } from '../../compose/types.js';
import { done } from '../../progress/events.js';
import { collectObserved } from '../../reconcile/collect.js';
import { checkDependency } from '../../reconcile/conditions.js';
import { createStepRunner, imageOf } from '../../reconcile/exec-steps.js';
import { executePlan } from '../../reconcile/execute.js';
import { L } from '../../reconcile/labels.js';
import { observedContainerFrom } from '../../reconcile/observed-from-runtime.js';
import { isUp, serviceContainers, type ObservedState } from '../../reconcile/observed.js';
import { planScope, planUp, renderPlan, type UpOptions } from '../../reconcile/plan.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { labelContext, loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';

/** Pure: `--scale svc=n` values into a map; a bad one is a usage error naming it. */
export function parseScale(values: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of (values as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m) throw usageError(`invalid --scale "${v}": want SERVICE=NUM`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Pure: the flag combinations docker compose refuses. */
export function checkUpFlags(o: Record<string, unknown>): void {
  // commander turns --no-recreate into recreate: false (and --no-deps, --no-start alike)
  if (o.forceRecreate && o.recreate === false) throw usageError('--force-recreate and --no-recreate are incompatible');
  if (o.waitTimeout !== undefined && !/^\d+$/.test(String(o.waitTimeout))) throw usageError(`invalid --wait-timeout "${String(o.waitTimeout)}": want a number of seconds`);
  if (!o.detach && !o.wait) throw new UserError('E_NOT_SUPPORTED', 'up: attached mode is not supported yet: use -d', { hint: 'run `tscompose up -d`, then `tscompose logs`' });
}

/** The image digest of each service whose image is stored; the others are pulled (pull_policy never: an error). */
async function collectImages(project: Project, scope: string[]): Promise<{ digests: Record<string, string>; pulls: Record<string, string> }> {
  const digests: Record<string, string> = {};
  const pulls: Record<string, string> = {};
  // services share images: one store lookup per image, not per service
  const found = new Map<string, ReturnType<typeof findImage>>();
  for (const name of scope) {
    const s = project.services[name]!;
    if (!s.image) throw new UserError('E_BUILD_UNSUPPORTED', `service "${name}" has no image: building is not supported yet`, { hint: 'add an image: to the service' });
    const rec = await (found.get(s.image) ?? found.set(s.image, findImage(s.image)).get(s.image)!);
    if (rec && s.pull_policy !== 'always') digests[name] = rec.id;
    else if (s.pull_policy === 'never') throw new UserError('E_IMAGE_MISSING', `service "${name}": image ${s.image} not found and pull_policy is never`, { hint: `load it first: tscompose image load -i <archive>` });
    else pulls[name] = rec ? 'pull_policy always' : 'not found';
  }
  return { digests, pulls };
}

const up: CommandHandler = async (ctx) => {
  const o = ctx.options;
  checkUpFlags(o);
  const project = await loadComposeProject(ctx, ctx.args);
  printWarnings(ctx, project.warnings);
  const options: UpOptions = {
    services: ctx.args,
    noDeps: o.deps === false,
    scale: parseScale(o.scale),
    recreate: o.forceRecreate ? 'force' : o.recreate === false ? 'never' : 'diverged',
    removeOrphans: o.removeOrphans === true || ['1', 'true'].includes((ctx.env.COMPOSE_REMOVE_ORPHANS ?? '').toLowerCase()),
    ignoreOrphans: ['1', 'true'].includes((ctx.env.COMPOSE_IGNORE_ORPHANS ?? '').toLowerCase()),
    noStart: o.start === false,
  };
  const scope = planScope(project, ctx.args, options.noDeps);
  return withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), async () => {
    const images = await collectImages(project, scope);
    const observed = collectObserved(project.name);
    const plan = planUp(project, observed, { ...options, imageDigests: images.digests, pulls: images.pulls });
    printWarnings(ctx, plan.warnings);
    if (ctx.global.dryRun) {
      ctx.stdout.write(renderPlan(plan));
      return 0;
    }
    const renderer = progressRenderer(ctx);
    renderer.start('Running');
    try {
      const runner = createStepRunner({ project, labels: labelContext(project), imageDigests: images.digests, emit: (e) => renderer.event(e) });
      await executePlan(plan, runner.run, { parallel: ctx.global.parallel, before: runner.before, emit: (e) => renderer.event(e) });
      emitRunning(project, observed, scope, new Set(plan.steps.map((s) => s.containerId).filter(Boolean) as string[]), (id, text) => renderer.event(done(id, text)));
      if (o.wait) await execWait(project, scope, Number(o.waitTimeout ?? 0), (id, text) => renderer.event(done(id, text)));
    } finally {
      renderer.stop();
    }
    return 0;
  });
};
export default up;

/** docker compose reports the containers that were already up to date as Running. */
function emitRunning(project: Project, observed: ObservedState, scope: string[], touched: Set<string>, emit: (id: string, text: string) => void): void {
  for (const s of scope) for (const c of serviceContainers(observed, project.name, s)) if (isUp(c) && !touched.has(c.id)) emit(`Container ${c.name}`, 'Running');
}

/** --wait: every replica of the scope running, or healthy when it has a healthcheck; --wait-timeout seconds (0: none). */
async function execWait(project: Project, scope: string[], timeoutS: number, emit: (id: string, text: string) => void): Promise<void> {
  const deadline = timeoutS > 0 ? Date.now() + timeoutS * 1000 : Infinity;
  const pending = new Set(scope);
  while (pending.size > 0) {
    for (const s of [...pending]) {
      const containers = listContainers({ labels: [`${L.project}=${project.name}`, `${L.service}=${s}`, `${L.oneoff}=False`], all: true }).map((c) => observedContainerFrom(c));
      const v = checkDependency({ dependant: s, dependency: s, condition: 'running_or_healthy', required: true, containers });
      if (v === 'satisfied') {
        pending.delete(s);
        for (const c of containers) emit(`Container ${c.name}`, c.health === 'healthy' ? 'Healthy' : 'Running');
      } else if (v.startsWith('failed: ')) {
        throw new UserError('E_WAIT', `service "${s}": ${v.slice('failed: '.length)}`);
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) throw new UserError('E_WAIT_TIMEOUT', `timeout waiting for ${[...pending].sort().join(', ')} to be running or healthy`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
