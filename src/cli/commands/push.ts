/**
 * `push [SERVICE...]`: pushes the images of services that have both `build` and `image`, as docker compose
 * does (a service that only names an image did not make it: "Skipped"). One `<image> Pushing` … `Pushed`
 * task per tag (image plus build.tags), layer child lines `Layer already exists` / `Pushing` / `Pushed`.
 * The image must be in the store (tag it first: `tscompose image tag SOURCE TARGET`).
 */
import pLimit from 'p-limit';
import type { CommandHandler } from '../command.js';
import { UserError, isUserFacing } from '../../errors.js';
import { pushImage, type PushProgress } from '../../../runtime/image-transfer.js';
import type { Project } from '../../compose/types.js';
import { done, failed, warning, working, type ProgressEvent } from '../../progress/events.js';
import { planScope } from '../../reconcile/plan.js';
import { loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';

/** Pure: the tags each service pushes (image, then build.tags), or a skip. */
export function planPushes(project: Project, scope: string[]): Array<{ service: string; tags: string[] } | { service: string; skip: string }> {
  return scope.map((name) => {
    const s = project.services[name]!;
    if (!s.build || !s.image) return { service: name, skip: 'Skipped' };
    const extra = (s.build as { tags?: string[] }).tags ?? [];
    return { service: name, tags: [...new Set([s.image, ...extra])] };
  });
}

/** Pure: a layer's push progress as docker's child line. */
export function pushLayerEvent(parent: string, p: PushProgress): ProgressEvent {
  const base = { id: p.id, parentId: parent };
  if (p.status === 'exists') return { ...base, status: 'Done', text: 'Layer already exists', percent: 100 };
  if (p.status === 'pushed') return { ...base, status: 'Done', text: 'Pushed', percent: 100 };
  return { ...base, status: 'Working', text: 'Pushing', current: p.current, total: p.total };
}

const push: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const project = await loadComposeProject(ctx, ctx.args);
  printWarnings(ctx, project.warnings);
  const scope = planScope(project, ctx.args, !o.includeDeps);
  const renderer = o.quiet ? undefined : progressRenderer(ctx);
  const emit = (e: ProgressEvent) => renderer?.event(e);
  renderer?.start('Pushing');
  const errors: Array<{ tag: string; error: Error }> = [];
  try {
    const limit = pLimit(ctx.global.parallel > 0 ? ctx.global.parallel : Number.MAX_SAFE_INTEGER);
    const jobs: Array<Promise<void>> = [];
    let stop = false;
    for (const p of planPushes(project, scope)) {
      if ('skip' in p) {
        emit(done(p.service, p.skip));
        continue;
      }
      for (const tag of p.tags) {
        jobs.push(limit(async () => {
          if (stop) return;
          emit(working(tag, 'Pushing'));
          try {
            await pushImage(tag, { env: ctx.env, onProgress: (lp) => emit(pushLayerEvent(tag, lp)) });
            emit(done(tag, 'Pushed'));
          } catch (e) {
            if (!isUserFacing(e)) throw e;
            emit(o.ignorePushFailures ? warning(tag, 'Warning') : failed(tag, 'Error'));
            errors.push({ tag, error: e as unknown as Error });
            if (!o.ignorePushFailures) stop = true;
          }
        }));
      }
    }
    await Promise.all(jobs);
  } finally {
    renderer?.stop();
  }
  if (errors.length === 0) return 0;
  if (o.ignorePushFailures) {
    for (const e of errors) ctx.stderr.write(`WARN Pushing ${e.tag}: ${e.error.message}\n`);
    return 0;
  }
  const first = errors[0]!;
  const { code, hint } = first.error as { code?: string; hint?: string };
  throw new UserError(code ?? 'E_PUSH', `push "${first.tag}": ${first.error.message}`, { ...(hint ? { hint } : {}), cause: first.error });
};
export default push;
