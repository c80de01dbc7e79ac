/**
 * `watch [--no-up] [--prune] [--quiet] [SERVICE...]`: brings the services up (detached, unless --no-up),
 * then follows their `develop.watch` rules until Ctrl-C or SIGTERM; the project keeps running afterwards,
 * as with docker compose. `up --watch` runs the same session next to its attached logs (startWatch).
 */
import path from 'node:path';
import type { CommandContext, CommandHandler } from '../command.js';
import type { Project, ServiceConfig } from '../../compose/types.js';
import { planRestart } from '../../reconcile/plan-lifecycle.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { readDockerignoreFile } from '../../build/dockerignore-file.js';
import { planWatchRules, type WatchRule } from '../../watch/rules.js';
import { runWatchSession } from '../../watch/session.js';
import { loadComposeProject, printWarnings } from './compose-project.js';
import { UserError } from '../../errors.js';
import { quoteList } from '../../watch/batch.js';
import { execLifecycle } from './lifecycle-run.js';

/** The lines of the build context's .dockerignore (src/build/dockerignore-file.ts picks the file). */
function readDockerignore(service: ServiceConfig): string[] {
  const b = service.build;
  if (!b?.context) return [];
  return readDockerignoreFile(b.context, b.dockerfile ? path.resolve(b.context, b.dockerfile) : undefined)?.text.split(/\r?\n/) ?? [];
}

/** The project's rules for the selected services (all when none), checked before anything starts. */
export function collectWatchRules(ctx: CommandContext, project: Project, services: string[]): WatchRule[] {
  const { rules, warnings } = planWatchRules(project, services, { dockerignore: readDockerignore });
  printWarnings(ctx, warnings);
  return rules;
}

/** Starts a session on the rules; `stop()` ends it and resolves once the last batch is done. */
export function startWatch(ctx: CommandContext, project: Project, rules: WatchRule[]): { stop: () => Promise<void>; done: Promise<void> } {
  const abort = new AbortController();
  const done = runWatchSession({
    project: project.name, rules, signal: abort.signal, stdout: ctx.stdout, stderr: ctx.stderr,
    log: (line) => ctx.stdout.write(`${line}\n`),
    restart: (services) => withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), () => execLifecycle(ctx, project, {
      title: 'Restarting', plan: (p, o) => planRestart(p, o, { services }),
    })).then(() => undefined),
    rebuild: (services) => execRebuild(ctx, services, (line) => ctx.stdout.write(`${line}\n`)),
  });
  return { stop: () => { abort.abort(); return done; }, done };
}

/**
 * The rebuild action, as docker compose's: build the services' images (`build`, quiet under --quiet), then
 * recreate their containers (force, without dependencies) and start them.
 */
async function execRebuild(ctx: CommandContext, services: string[], log: (line: string) => void): Promise<void> {
  try {
    const build = (await import('./build.js')).default;
    const code = await build({ ...ctx, args: services, options: { quiet: ctx.options.quiet === true } });
    if (code !== 0) throw new UserError('E_WATCH_REBUILD', `build exited with code ${code}`);
  } catch (e) {
    log(`Build failed. Error: ${(e as Error).message}`);
    throw e;
  }
  log(`service(s) ${quoteList(services)} successfully built`);
  const up = (await import('./up.js')).default;
  const code = await up({ ...ctx, args: services, options: { detach: true, forceRecreate: true, deps: false, pull: 'policy' } });
  if (code !== 0) throw new UserError('E_WATCH_REBUILD', `Failed to recreate services after update (up exited with code ${code})`);
}

const watch: CommandHandler = async (ctx) => {
  const project = await loadComposeProject(ctx, ctx.args);
  printWarnings(ctx, project.warnings);
  const rules = collectWatchRules(ctx, project, ctx.args);
  if (ctx.options.up !== false) {
    // docker compose's watch brings the services up detached and without attaching to their logs
    const up = (await import('./up.js')).default;
    const code = await up({ ...ctx, options: { detach: true, pull: 'policy' } });
    if (code !== 0) return code;
  }
  // --dry-run: up printed what it would do; there is nothing to watch in a project that was not started
  if (ctx.global.dryRun) return 0;
  const session = startWatch(ctx, project, rules);
  const onSignal = (): void => { void session.stop(); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await session.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
};
export default watch;
