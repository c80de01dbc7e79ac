/**
 * `build [SERVICE...]`: builds the images of the services with a build section (all of them, or those named),
 * with buildkit's plain progress on stderr unless -q; services without build are skipped, as docker compose
 * does. --build-arg adds to (and overrides) each service's args; --no-cache and --pull as docker's.
 */
import type { CommandHandler } from '../command.js';
import { UserError } from '../../errors.js';
import { execBuildServices } from '../../build/build-services.js';
import { parseBuildArgFlags } from '../../build/service-build.js';
import { done } from '../../progress/events.js';
import { loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';

const build: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const project = await loadComposeProject(ctx, ctx.args);
  printWarnings(ctx, project.warnings);
  for (const s of ctx.args) if (!project.services[s]) throw new UserError('E_NO_SUCH_SERVICE', `no such service: ${s}`);
  const names = (ctx.args.length ? ctx.args : Object.keys(project.services).sort()).filter((s) => project.services[s]!.build !== undefined);
  if (ctx.global.dryRun) {
    for (const s of names) ctx.stdout.write(`would build service "${s}"\n`);
    return 0;
  }
  const quiet = o.quiet === true;
  const ids = await execBuildServices(project, names, {
    buildArgs: parseBuildArgFlags((o.buildArg as string[] | undefined) ?? []),
    noCache: o.cache === false,
    pull: o.pull === true,
    ...(quiet ? {} : { write: (line: string) => void ctx.stderr.write(`${line}\n`) }),
    warn: (line) => void ctx.stderr.write(`WARN ${line}\n`),
  });
  if (!quiet && names.length) {
    const renderer = progressRenderer(ctx);
    renderer.start('Building');
    for (const s of names) if (ids[s]) renderer.event(done(`Service ${s}`, 'Built'));
    renderer.stop();
  }
  return 0;
};
export default build;
