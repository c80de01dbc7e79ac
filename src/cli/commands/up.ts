/**
 * `up [SERVICE...]`: observe → plan → execute under the project lock. Images must be in the store or are
 * pulled by reference; --dry-run prints the plan and changes nothing; --wait polls until every service of
 * the scope is running (or healthy when it has a healthcheck). Without -d, up then attaches to the services'
 * logs until their containers exit (src/logs/up-session.ts); Ctrl-C stops them.
 */
import type { CommandHandler } from '../command.js';
import { UserError, usageError } from '../../errors.js';
import { listContainers } from '../../../runtime/index.js';
import type { Project } from '../../compose/types.js';
import { done } from '../../progress/events.js';
import { collectObserved } from '../../reconcile/collect.js';
import { checkDependency, waitConditionOf } from '../../reconcile/conditions.js';
import { createStepRunner, imageOf } from '../../reconcile/exec-steps.js';
import { executePlan } from '../../reconcile/execute.js';
import { L } from '../../reconcile/labels.js';
import { observedContainerFrom } from '../../reconcile/observed-from-runtime.js';
import { isUp, serviceContainers, type ObservedState } from '../../reconcile/observed.js';
import { planPreStartPulls } from '../../reconcile/pre-start.js';
import { planScope, planUp, renderPlan, type UpOptions } from '../../reconcile/plan.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { labelContext, loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';
import { parseTimeout } from './down.js';
import { collectUpImages, execUpBuilds } from './up-images.js';
import { createLogFormatter, useColor, type LogFormatter } from '../../logs/log-format.js';
import { collectLogContainers } from '../../logs/log-select.js';
import { formatNanos } from '../../logs/log-time.js';
import { checkAttachedUpFlags, planAttach, planWatched, type OnExit } from '../../logs/up-attach.js';
import { runUpSession } from '../../logs/up-session.js';
import { planKill, planStop } from '../../reconcile/plan-lifecycle.js';
import type { CommandContext } from '../command.js';

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

const list = (v: unknown): string[] => (v as string[] | undefined) ?? [];

/** Pure: the flag combinations docker compose refuses; returns whether up detaches and what an exit does. */
export function checkUpFlags(o: Record<string, unknown>): { detach: boolean; onExit: OnExit } {
  // commander turns --no-recreate into recreate: false (and --no-deps, --no-start alike)
  if (o.waitTimeout !== undefined && !/^\d+$/.test(String(o.waitTimeout))) throw usageError(`invalid --wait-timeout "${String(o.waitTimeout)}": want a number of seconds`);
  const mode = checkAttachedUpFlags({
    detach: o.detach === true, wait: o.wait === true, abortOnExit: o.abortOnContainerExit === true, abortOnFailure: o.abortOnContainerFailure === true,
    exitCodeFrom: o.exitCodeFrom as string | undefined, attach: list(o.attach), attachDependencies: o.attachDependencies === true, noStart: o.start === false,
  });
  if (o.watch === true && o.build === false) throw usageError('--no-build and --watch are incompatible');
  if (o.watch === true && mode.detach) throw usageError(`${o.wait ? '--wait' : '--detach'} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch`);
  if (o.forceRecreate && o.recreate === false) throw usageError('--force-recreate and --no-recreate are incompatible');
  if (o.alwaysRecreateDeps && o.recreate === false) throw usageError('--always-recreate-deps and --no-recreate are incompatible');
  return mode;
}

const up: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const mode = checkUpFlags(o);
  const stopTimeoutMs = parseTimeout(o.timeout);
  const project = await loadComposeProject(ctx, ctx.args);
  printWarnings(ctx, project.warnings);
  const options: UpOptions = {
    services: ctx.args,
    noDeps: o.deps === false,
    scale: parseScale(o.scale),
    recreate: o.forceRecreate ? 'force' : o.recreate === false ? 'never' : 'diverged',
    alwaysRecreateDeps: o.alwaysRecreateDeps === true,
    renewAnonVolumes: o.renewAnonVolumes === true,
    removeOrphans: o.removeOrphans === true || ['1', 'true'].includes((ctx.env.COMPOSE_REMOVE_ORPHANS ?? '').toLowerCase()),
    ignoreOrphans: ['1', 'true'].includes((ctx.env.COMPOSE_IGNORE_ORPHANS ?? '').toLowerCase()),
    noStart: o.start === false,
  };
  const scope = planScope(project, ctx.args, options.noDeps);
  // --watch: the rules are checked before anything starts (a service without develop.watch is refused)
  const watchMod = o.watch === true && !mode.detach && !options.noStart && !ctx.global.dryRun ? await import('./watch.js') : undefined;
  const watchRules = watchMod?.collectWatchRules(ctx, project, ctx.args);
  const exitCodeFrom = o.exitCodeFrom as string | undefined;
  if (exitCodeFrom !== undefined && !(options.noDeps ? scope.includes(exitCodeFrom) : project.services[exitCodeFrom])) throw new UserError('E_NO_SUCH_SERVICE', `no such service: ${exitCodeFrom}`);
  const attached = mode.detach || options.noStart ? [] : planAttach(project, { services: ctx.args, scope, attach: list(o.attach), noAttach: list(o.noAttach), attachDependencies: o.attachDependencies === true });
  // the attached view shows what this up's containers print from now on, not what was logged before
  const since = formatNanos(BigInt(Date.now()) * 1_000_000n);
  // attached: hook output shows as log lines from the start on, in the same formatter as the logs after it
  const fmt = mode.detach || options.noStart || ctx.global.dryRun ? undefined : createAttachedFormatter(ctx);
  const hookLog = fmt && ((source: string, line: string) => void ctx.stdout.write(fmt.formatLines(source, line)));
  const code = await withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), async () => {
    const images = await collectUpImages(project, scope, o.pull, o.build);
    await execUpBuilds(ctx, project, images);
    const observed = collectObserved(project.name);
    const plan = planPreStartPulls(planUp(project, observed, { ...options, imageDigests: images.digests, pulls: images.pulls }), images.hookPulls);
    printWarnings(ctx, plan.warnings);
    if (ctx.global.dryRun) {
      ctx.stdout.write(renderPlan(plan));
      return 0;
    }
    const renderer = progressRenderer(ctx);
    renderer.start('Running');
    try {
      const runner = createStepRunner({ project, labels: labelContext(project), imageDigests: images.digests, stopTimeoutMs, emit: (e) => renderer.event(e), ...(hookLog ? { hookLog } : {}) });
      await executePlan(plan, runner.run, { parallel: ctx.global.parallel, before: runner.before, emit: (e) => renderer.event(e) });
      emitRunning(project, observed, scope, new Set(plan.steps.map((s) => s.containerId).filter(Boolean) as string[]), (id, text) => renderer.event(done(id, text)));
      if (o.wait) await execWait(project, scope, Number(o.waitTimeout ?? 0), (id, text) => renderer.event(done(id, text)));
    } finally {
      renderer.stop();
    }
    return 0;
  });
  if (code !== 0 || !fmt) return code;
  const watching = watchMod && watchRules ? watchMod.startWatch(ctx, project, watchRules) : undefined;
  try {
    return await execAttached(ctx, project, { services: ctx.args, scope, attached, since, onExit: mode.onExit, exitCodeFrom, stopTimeoutMs, fmt, hookLog: hookLog! });
  } finally {
    // the watch ends with the attached session (Ctrl-C stops both, as docker compose's up --watch does)
    await watching?.stop();
  }
};
export default up;

/**
 * Runs one plan (stop or kill) with progress on stderr; the containers to act on are observed now. Stop takes
 * the project lock; kill does not, as it must get through while a stop holds it (the second Ctrl-C).
 */
async function execLifecyclePlan(ctx: CommandContext, project: Project, kind: 'stop' | 'kill', services: string[], stopTimeoutMs: number | undefined, hookLog?: (source: string, line: string) => void): Promise<void> {
  const locked = <T>(fn: () => Promise<T>): Promise<T> => (kind === 'stop' ? withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), fn) : fn());
  await locked(async () => {
    const observed = collectObserved(project.name);
    const plan = kind === 'stop' ? planStop(project, observed, { services }) : planKill(project, observed, { services });
    const renderer = progressRenderer(ctx);
    renderer.start(kind === 'stop' ? 'Stopping' : 'Killing');
    try {
      const runner = createStepRunner({ project, labels: labelContext(project), imageDigests: {}, stopTimeoutMs, emit: (e) => renderer.event(e), ...(hookLog ? { hookLog } : {}) });
      await executePlan(plan, runner.run, { parallel: ctx.global.parallel, emit: (e) => renderer.event(e) });
    } finally {
      renderer.stop();
    }
  });
}

/** Attached mode: stream the attached services' logs until the watched containers have exited. */
/** The attached view's log formatter (colors, prefixes, timestamps as the flags say). */
function createAttachedFormatter(ctx: CommandContext): LogFormatter {
  const o = ctx.options;
  const isTTY = (ctx.stdout as NodeJS.WriteStream).isTTY === true;
  return createLogFormatter({ color: useColor({ noColor: o.color === false, ansi: ctx.global.ansi, env: ctx.env, isTTY }), prefix: o.logPrefix !== false, timestamps: o.timestamps === true });
}

async function execAttached(ctx: CommandContext, project: Project, a: { services: string[]; scope: string[]; attached: string[]; since: string; onExit: OnExit; exitCodeFrom?: string; stopTimeoutMs?: number; fmt: LogFormatter; hookLog: (source: string, line: string) => void }): Promise<number> {
  const o = ctx.options;
  const { fmt } = a;
  const watch = planWatched({ services: a.services, scope: a.scope }, a.attached);
  const initial = collectLogContainers({ project: project.name, services: [...new Set([...a.attached, ...watch])] });
  return runUpSession({
    project: project.name, attach: a.attached, watch, since: a.since, onExit: a.onExit, exitCodeFrom: a.exitCodeFrom, timestamps: o.timestamps === true,
    fmt, stdout: ctx.stdout, stderr: ctx.stderr,
    // docker compose stops (or kills) the services named on the command line; all when none is named
    stopAll: () => execLifecyclePlan(ctx, project, 'stop', a.services, a.stopTimeoutMs, a.hookLog),
    // containers that stopped meanwhile refuse the signal: nothing left to kill is not a failure
    killAll: () => execLifecyclePlan(ctx, project, 'kill', a.services, undefined).catch(() => undefined),
  }, initial);
}

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
      const condition = waitConditionOf(project, s);
      const v = checkDependency({ dependant: s, dependency: s, condition, required: true, containers });
      if (v === 'satisfied') {
        pending.delete(s);
        for (const c of containers) emit(`Container ${c.name}`, condition === 'service_completed_successfully' ? 'Exited' : c.health === 'healthy' ? 'Healthy' : 'Running');
      } else if (v.startsWith('failed: ')) {
        throw new UserError('E_WAIT', `service "${s}": ${v.slice('failed: '.length)}`);
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) throw new UserError('E_WAIT_TIMEOUT', `timeout waiting for ${[...pending].sort().join(', ')} to be running or healthy`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
