/**
 * `run [OPTIONS] SERVICE [COMMAND [ARGS...]]`: a one-off container `<project>-<service>-run-<12 hex>`
 * (oneoff=True, its slug as a label). Under the project lock: the dependencies come up as `up` brings
 * them (unless --no-deps), the networks and volumes it needs are made, its depends_on conditions are
 * awaited, and it is created. The lock is let go before it starts: an interactive session must not block
 * other commands on the project. Then it runs attached (pty when there is a terminal, else its log is
 * followed) and the CLI exits with its exit code; --rm removes it after, -d prints its name and returns.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext, CommandHandler } from '../command.js';
import { resolveImageFacts, startContainer } from '../../../runtime/index.js';
import { splitShellWords } from '../../compose/canonical/command.js';
import { parsePortShort } from '../../compose/canonical/ports.js';
import { parseVolumeShort } from '../../compose/canonical/volumes.js';
import { readEnvFiles } from '../../compose/dotenv.js';
import type { PortConfig, Project, ServiceVolumeConfig } from '../../compose/types.js';
import { UserError, usageError } from '../../errors.js';
import type { ProgressEvent } from '../../progress/events.js';
import { collectObserved } from '../../reconcile/collect.js';
import { createStepRunner, execCreateContainer, execRemoveContainer, imageOf, type StepContext } from '../../reconcile/exec-steps.js';
import { executePlan } from '../../reconcile/execute.js';
import { execHooks } from '../../reconcile/hooks.js';
import type { Plan, Step } from '../../reconcile/plan-model.js';
import { assertServicesExist, planUp } from '../../reconcile/plan.js';
import { planPreStartPulls } from '../../reconcile/pre-start.js';
import { collectUpImages, execUpBuilds } from './up-images.js';
import { planLabels, planOneoffName, planOneoffSpec, planRunAwaits, planRunDependencies, planRunResources, planRunService, planTty, type RunOverrides } from '../../reconcile/plan-run.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { labelContext, loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';
import { execRunWithLogs, execRunWithTerminal } from './run-attach.js';

const isTTY = (s: unknown): boolean => (s as { isTTY?: boolean }).isTTY === true;
const list = (v: unknown): string[] => (v as string[] | undefined) ?? [];
const flagCtx = (flag: string) => ({ path: [flag], warn: () => undefined });

/** Pure: `-v` entries in long form; a relative bind source is taken from where the CLI runs. */
export function parseRunVolumes(values: string[], cwd: string, home = os.homedir()): ServiceVolumeConfig[] {
  return values.map((v) => {
    const vol = parseVolumeShort(v, flagCtx('--volume')) as unknown as ServiceVolumeConfig;
    if (vol.type === 'bind' && vol.source) {
      vol.source = vol.source.startsWith('~') ? path.join(home, vol.source.slice(1)) : path.resolve(cwd, vol.source);
    }
    return vol;
  });
}

export function parseRunPorts(values: string[]): PortConfig[] {
  return values.flatMap((p) => parsePortShort(p, flagCtx('--publish')) as unknown as PortConfig[]);
}

/** Pure: the flags docker compose refuses together, and the ones tscompose cannot honour. */
export function checkRunFlags(o: Record<string, unknown>): void {
  if (list(o.publish).length > 0 && o.servicePorts) throw usageError('--service-ports and --publish are incompatible');
  if (o.rm && o.detach) {
    throw new UserError('E_NOT_SUPPORTED', 'run: --rm with -d is not supported: there is no daemon to remove the container when it exits', { hint: 'run it with -d, then `tscompose rm -f <name>` when done' });
  }
}

function runOverrides(ctx: CommandContext, command: string[], tty: boolean, interactive: boolean): RunOverrides {
  const o = ctx.options;
  // --env-from-file first: -e wins over it (docker compose adds a file's variable only when -e has none)
  const fromFiles = list(o.envFromFile).length > 0 ? readEnvFiles(list(o.envFromFile).map((f) => path.resolve(ctx.cwd, f)), (k) => ctx.env[k]) : {};
  return {
    command,
    ...(o.entrypoint !== undefined ? { entrypoint: splitShellWords(String(o.entrypoint), flagCtx('--entrypoint')) } : {}),
    env: [...Object.entries(fromFiles).map(([k, v]) => `${k}=${v}`), ...list(o.env)],
    labels: planLabels(list(o.label)),
    ...(o.user ? { user: String(o.user) } : {}),
    ...(o.workdir ? { workdir: String(o.workdir) } : {}),
    volumes: parseRunVolumes(list(o.volume), ctx.cwd),
    publish: parseRunPorts(list(o.publish)),
    servicePorts: o.servicePorts === true,
    capAdd: list(o.capAdd),
    capDrop: list(o.capDrop),
    tty,
    interactive,
  };
}

const run: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const [service, ...command] = ctx.args;
  if (!service) throw usageError('"run" requires at least 1 argument', 'Usage: tscompose run [OPTIONS] SERVICE [COMMAND] [ARGS...]');
  checkRunFlags(o);
  const detach = o.detach === true;
  const interactive = o.interactive !== false;
  const tty = planTty({
    tty: o.tty as boolean | undefined, interactive: interactive && !detach, interactiveExplicit: o.interactive === true,
    stdinIsTTY: isTTY(process.stdin), stdoutIsTTY: isTTY(ctx.stdout),
  });
  const project = await loadComposeProject(ctx, [service]);
  printWarnings(ctx, project.warnings);
  assertServicesExist(project, [service]);
  // stdin_open follows -i, detached or not (docker compose: StdinOpen = --interactive); only the foreground
  // attaches our stdin to it, and only that attach closes it at EOF
  const target = planRunService(project.services[service]!, runOverrides(ctx, command, tty, interactive), (k) => project.environment[k]);
  const slug = randomBytes(32).toString('hex');
  const name = planOneoffName(project.name, service, slug, o.name as string | undefined);
  const quietCtx = o.quiet ? { ...ctx, global: { ...ctx.global, progress: 'quiet' as const } } : ctx;

  const id = await withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), async () => {
    const deps = planRunDependencies(project, service, o.deps === false);
    const images = await collectUpImages(project, [...deps, service], o.pull, o.build);
    await execUpBuilds(quietCtx, project, images);
    const renderer = progressRenderer(quietCtx);
    // the renderer starts with the first thing to show: a run whose dependencies are up prints nothing
    let started = false;
    const begin = () => { if (!started) renderer.start('Running'); started = true; };
    const emit = (e: ProgressEvent) => { begin(); renderer.event(e); };
    const stepCtx: StepContext = { project, labels: labelContext(project), imageDigests: images.digests, emit };
    const runner = createStepRunner(stepCtx);
    const execute = (plan: Plan) => executePlan(plan, runner.run, { parallel: ctx.global.parallel, before: runner.before, emit });
    try {
      if (deps.length > 0) {
        const pulls = Object.fromEntries(Object.entries(images.pulls).filter(([s]) => deps.includes(s)));
        const ignoreOrphans = ['1', 'true'].includes((ctx.env.COMPOSE_IGNORE_ORPHANS ?? '').toLowerCase());
        const hookPulls = images.hookPulls.filter((h) => deps.includes(h.service));
        const plan = planPreStartPulls(planUp(project, collectObserved(project.name), { services: deps, imageDigests: images.digests, pulls, ignoreOrphans, removeOrphans: o.removeOrphans === true }), hookPulls);
        printWarnings(ctx, plan.warnings);
        if (plan.steps.length > 0) await execute(plan);
      }
      const resources = planRunResources(project, collectObserved(project.name), service);
      if (resources.steps.length > 0) await execute(resources);
      const image = imageOf(project, target);
      if (images.pulls[service] !== undefined) {
        begin();
        await runner.run(oneStep({ op: 'pull', resource: `Image ${image}`, reason: images.pulls[service]!, name: image }));
      }
      if (o.deps !== false) await runner.before(oneStep({ op: 'start-container', resource: `Container ${name}`, reason: 'run', service, awaits: planRunAwaits(project, target) }));
      return await execCreateContainer(stepCtx, target, 1, name, await resolveImageFacts(image), {}, {
        adjustSpec: (spec) => planOneoffSpec(spec, slug, !detach),
        aliases: o.useAliases === true,
      });
    } finally {
      if (started) renderer.stop();
    }
  });

  // docker compose runs the service's post_start hooks in the one-off too, once it runs
  const afterStart = () => execHooks(target, 'post_start', id, name);
  if (detach) {
    await startContainer(id);
    await afterStart();
    ctx.stdout.write(`${name}\n`);
    return 0;
  }
  try {
    const io = { stdin: process.stdin, stdout: ctx.stdout, stderr: ctx.stderr };
    return tty ? await execRunWithTerminal(id, io, interactive, afterStart) : await execRunWithLogs(id, io, afterStart, interactive);
  } finally {
    if (o.rm) await execRemoveContainer(id, true);
  }
};
export default run;

function oneStep(s: Omit<Step, 'id' | 'dependsOn'>): Step {
  return { id: 0, dependsOn: [], ...s };
}
