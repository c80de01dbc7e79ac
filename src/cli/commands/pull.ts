/**
 * `pull [SERVICE...]`: pulls the services' images as docker compose does: one `<service> Pulling` …
 * `<service> Pulled` task per image, per-layer child lines (`Pulling fs layer`, `Downloading`, `Already
 * exists`, `Pull complete`), the skip rules and texts of pull-policy.ts, and each image pulled once even when
 * several services use it. A failure stops the command (exit 1) unless --ignore-pull-failures.
 */
import pLimit from 'p-limit';
import type { CommandContext, CommandHandler } from '../command.js';
import { UserError, isUserFacing } from '../../errors.js';
import { findImage, parsePlatform } from '../../../runtime/images.js';
import { pullImage, type PullProgress } from '../../../runtime/image-transfer.js';
import type { Project } from '../../compose/types.js';
import { done, failed, warning, working, type ProgressEvent, type Renderer } from '../../progress/events.js';
import { planScope } from '../../reconcile/plan.js';
import { decidePullCommand, parsePullOverride, parsePullPolicy } from '../../reconcile/pull-policy.js';
import { loadComposeProject, printWarnings, progressRenderer } from './compose-project.js';
import { progressMode } from '../../progress/choose.js';

/** Pure: a layer's progress as docker's child line; undefined for states docker does not show. */
export function layerEvent(parent: string, p: PullProgress): ProgressEvent | undefined {
  const base = { id: p.id, parentId: parent };
  switch (p.status) {
    case 'waiting': return { ...base, status: 'Working', text: 'Pulling fs layer' };
    case 'downloading': return { ...base, status: 'Working', text: 'Downloading', current: p.current, total: p.total, percent: p.total > 0 ? Math.floor((p.current * 100) / p.total) : 0 };
    case 'exists': return { ...base, status: 'Done', text: 'Already exists', percent: 100 };
    case 'done': return { ...base, status: 'Done', text: 'Pull complete', percent: 100 };
    default: return undefined;
  }
}

/** Keeps `Downloading` lines to one per layer per tenth of its size, so plain output stays readable. */
export function throttleDownloads(emit: (e: ProgressEvent) => void): (e: ProgressEvent) => void {
  const lastTenth = new Map<string, number>();
  return (e) => {
    if (e.text === 'Downloading') {
      const tenth = Math.floor((e.percent ?? 0) / 10);
      if (lastTenth.get(e.id) === tenth) return;
      lastTenth.set(e.id, tenth);
    }
    emit(e);
  };
}

/** docker compose's plain writer prints child (layer) lines too; the shared plain renderer folds them. */
function pullRenderer(ctx: CommandContext): Renderer {
  const r = progressRenderer(ctx);
  const isTTY = (ctx.stderr as NodeJS.WriteStream).isTTY === true;
  if (progressMode(ctx.global.progress, ctx.global.ansi, isTTY) !== 'plain') return r;
  return { ...r, event: (e) => r.event(e.parentId ? { ...e, parentId: undefined } as ProgressEvent : e) };
}

interface PullJob {
  service: string;
  image: string;
  platform?: string;
  /** the service can be built: a failed pull is a warning and the build hint follows (docker compose) */
  buildable: boolean;
}

/** Decides, per service of the scope, whether its image is pulled; emits docker's skip lines. */
async function planPullJobs(project: Project, scope: string[], o: Record<string, unknown>, emit: (e: ProgressEvent) => void): Promise<PullJob[]> {
  const override = parsePullOverride('--policy', o.policy, ['always', 'missing']);
  const now = new Date();
  const jobs: PullJob[] = [];
  const pulling = new Map<string, string>();
  for (const name of scope) {
    const s = project.services[name]!;
    const policy = override ?? parsePullPolicy(name, s.pull_policy, s.pull_refresh_after);
    const rec = s.image ? await findImage(s.image) : undefined;
    const stored = rec ? { id: rec.id, ...(rec.lastPulled ? { lastPulled: rec.lastPulled } : {}) } : undefined;
    const d = decidePullCommand({ service: name, ...(s.image ? { image: s.image } : {}), hasBuild: s.build !== undefined, policy, ...(stored ? { stored } : {}) }, { ignoreBuildable: !!o.ignoreBuildable }, now);
    if (d.action === 'skip') {
      emit(done(name, d.text));
      continue;
    }
    const by = pulling.get(s.image!);
    if (by) {
      emit(done(name, `Skipped - Image is already being pulled by ${by}`));
      continue;
    }
    pulling.set(s.image!, name);
    jobs.push({ service: name, image: s.image!, ...(s.platform ? { platform: s.platform } : {}), buildable: s.build !== undefined });
  }
  return jobs;
}

const pull: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const project = await loadComposeProject(ctx, ctx.args);
  printWarnings(ctx, project.warnings);
  const scope = planScope(project, ctx.args, !o.includeDeps);
  const renderer = o.quiet ? undefined : pullRenderer(ctx);
  const emit = (e: ProgressEvent) => renderer?.event(e);
  renderer?.start('Pulling');
  const errors: Array<{ service: string; error: Error; buildable: boolean }> = [];
  try {
    const jobs = await planPullJobs(project, scope, o, emit);
    const limit = pLimit(ctx.global.parallel > 0 ? ctx.global.parallel : Number.MAX_SAFE_INTEGER);
    let stop = false;
    await Promise.all(jobs.map((j) => limit(async () => {
      if (stop) return;
      emit(working(j.service, 'Pulling'));
      const layer = throttleDownloads(emit);
      try {
        await pullImage(j.image, {
          env: ctx.env,
          ...(j.platform ? { platform: parsePlatform(j.platform) } : {}),
          onProgress: (p) => {
            const e = layerEvent(j.service, p);
            if (e) layer(e);
          },
        });
        emit(done(j.service, 'Pulled'));
      } catch (e) {
        if (!isUserFacing(e)) throw e;
        emit(o.ignorePullFailures || j.buildable ? warning(j.service, 'Warning') : failed(j.service, 'Error'));
        errors.push({ service: j.service, error: e as unknown as Error, buildable: j.buildable });
        // fail fast only when the image can be neither pulled nor built
        if (!o.ignorePullFailures && !j.buildable) stop = true;
      }
    })));
  } finally {
    renderer?.stop();
  }
  if (errors.length === 0) return 0;
  const mustBuild = errors.filter((e) => e.buildable).map((e) => e.service);
  if (mustBuild.length > 0) ctx.stderr.write(`WARNING: Some service image(s) must be built from source by running:\n    tscompose build ${mustBuild.join(' ')}\n`);
  if (o.ignorePullFailures) {
    for (const e of errors) ctx.stderr.write(`WARN service "${e.service}": ${e.error.message}\n`);
    return 0;
  }
  const first = errors[0]!;
  const { code, hint } = first.error as { code?: string; hint?: string };
  throw new UserError(code ?? 'E_PULL', `pull service "${first.service}": ${first.error.message}`, { ...(hint ? { hint } : {}), cause: first.error });
};
export default pull;
