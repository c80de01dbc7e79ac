/**
 * The images an `up` or a `run` needs, decided by pull-policy.ts: the stored image id of each service that
 * uses its stored image, the services to pull, the services to build (then built here, before anything is
 * planned against their ids) and the pre_start hook images to pull.
 */
import { findImage } from '../../../runtime/index.js';
import type { Project } from '../../compose/types.js';
import { parsePullOverride, planHookPulls, planUpImages, type HookPull } from '../../reconcile/pull-policy.js';
import type { CommandContext } from '../command.js';

export interface UpImages {
  digests: Record<string, string>;
  pulls: Record<string, string>;
  builds?: Record<string, string>;
  hookPulls: HookPull[];
}

/** `buildFlag`: true for --build (always build), false for --no-build, undefined for the policy's choice. */
export async function collectUpImages(project: Project, scope: string[], pullFlag: unknown, buildFlag?: unknown): Promise<UpImages> {
  const override = parsePullOverride('--pull', pullFlag, ['always', 'missing', 'never']);
  const lookup = async (image: string) => {
    const rec = await findImage(image);
    return rec ? { id: rec.id, ...(rec.lastPulled ? { lastPulled: rec.lastPulled } : {}) } : undefined;
  };
  const services = scope.map((n) => ({ ...project.services[n]!, name: n }));
  const now = new Date();
  const build = { project: project.name, ...(buildFlag === true ? { force: true } : buildFlag === false ? { never: true } : {}) };
  const images = await planUpImages(services, lookup, override, now, build);
  const scheduled = Object.keys(images.pulls).map((s) => project.services[s]?.image ?? '');
  return { ...images, hookPulls: await planHookPulls(services, lookup, override, now, scheduled) };
}

/** Builds what collectUpImages decided to build (not under --dry-run) and records the built image ids. */
export async function execUpBuilds(ctx: CommandContext, project: Project, images: UpImages): Promise<void> {
  const toBuild = Object.keys(images.builds ?? {}).sort();
  if (toBuild.length === 0 || ctx.global.dryRun) return;
  const { execBuildServices } = await import('../../build/build-services.js');
  const quiet = ctx.global.progress === 'quiet';
  Object.assign(images.digests, await execBuildServices(project, toBuild, {
    ...(quiet ? {} : { write: (line: string) => void ctx.stderr.write(`${line}\n`) }),
    warn: (line) => void ctx.stderr.write(`WARN ${line}\n`),
  }));
}
