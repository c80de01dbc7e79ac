/**
 * `cp [-a] [-L] [--index N] [--all] SERVICE:SRC_PATH DEST_PATH` and `cp SRC_PATH SERVICE:DEST_PATH`: files and
 * directories between the host and a service's running containers. Like docker compose: copying in goes
 * to every replica of the service (one-offs too with --all), copying out reads from the first one, and
 * --index N picks replica N for either.
 */
import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { copyFromContainer, copyToContainer, type ContainerSummary } from '../../../runtime/index.js';
import { UserError, usageError } from '../../errors.js';
import { done, working } from '../../progress/events.js';
import { L } from '../../reconcile/labels.js';
import { parseIndex, pickServiceContainer } from '../../reconcile/plan-run.js';
import { progressRenderer } from './compose-project.js';
import { collectServiceContainers, resolveProject } from './service-container.js';

export interface CpArg { service?: string; path: string }

/** Pure: `service:path` or a local path (absolute, or starting with `.`, or without a colon), as docker compose splits it. */
export function parseCpArg(arg: string): CpArg {
  if (arg.startsWith('/')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.slice(0, colon).startsWith('.')) return { path: arg };
  return { service: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export interface CpPlan { direction: 'in' | 'out'; service: string; containerPath: string; hostPath: string }

/** Pure: which way the copy goes; refuses service-to-service, host-to-host and `-` (stdin/stdout tar streams). */
export function planCp(src: string, dest: string): CpPlan {
  const a = parseCpArg(src);
  const b = parseCpArg(dest);
  if (a.service !== undefined && b.service !== undefined) throw usageError('copying between services is not supported');
  if (a.service === undefined && b.service === undefined) throw usageError('unknown copy direction', 'one of the paths must be SERVICE:PATH');
  if (a.path === '-' || b.path === '-') throw new UserError('E_NOT_SUPPORTED', 'cp: "-" (a tar stream on stdin/stdout) is not supported yet');
  for (const p of [a, b]) if (p.service !== undefined && p.path === '') throw usageError(`invalid path "${p.service}:": the container path is empty`);
  return a.service !== undefined
    ? { direction: 'out', service: a.service, containerPath: a.path, hostPath: b.path }
    : { direction: 'in', service: b.service!, containerPath: b.path, hostPath: a.path };
}

/** Pure: the replicas a copy goes to (in: all of them; out: the first), replicas by number, one-offs last. */
export function planCpTargets<C extends { id: string; name: string; labels: Record<string, string> }>(running: C[], plan: CpPlan, opts: { index?: number; all?: boolean }): C[] {
  if (opts.index !== undefined) return [pickServiceContainer(running.filter((c) => c.labels[L.oneoff] !== 'True'), plan.service, opts.index)];
  const pool = running.filter((c) => opts.all || c.labels[L.oneoff] !== 'True');
  if (pool.length === 0) throw new UserError('E_NOT_RUNNING', `no container found for service "${plan.service}"`);
  const first = pickServiceContainer(pool, plan.service, undefined);
  return plan.direction === 'out' ? [first] : [first, ...pool.filter((c) => c !== first && c.labels[L.service] === plan.service)];
}

const cp: CommandHandler = async (ctx) => {
  const o = ctx.options;
  if (ctx.args.length !== 2) throw usageError(`"cp" requires exactly 2 arguments`, 'Usage: tscompose cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH or SRC_PATH SERVICE:DEST_PATH');
  const plan = planCp(ctx.args[0]!, ctx.args[1]!);
  const hostPath = path.resolve(ctx.cwd, plan.hostPath);
  // -a: the source's uid/gid; -L: a link given as the source is copied as what it points to (either direction)
  const copy = { archive: o.archive === true, followLink: o.followLink === true };
  const project = (await resolveProject(ctx)).name;
  const targets: ContainerSummary[] = planCpTargets(collectServiceContainers(project, plan.service), plan, { index: parseIndex(o.index), all: o.all === true });
  const renderer = progressRenderer(ctx);
  renderer.start('Copying');
  try {
    for (const c of targets) {
      const details = plan.direction === 'out' ? `${c.name}:${plan.containerPath} to ${plan.hostPath}` : `${plan.hostPath} to ${c.name}:${plan.containerPath}`;
      renderer.event(working(c.name, 'Copying', details));
      if (plan.direction === 'out') copyFromContainer(c.id, plan.containerPath, hostPath, copy);
      else copyToContainer(c.id, hostPath, plan.containerPath, copy);
      renderer.event(done(c.name, 'Copied', details));
    }
  } finally {
    renderer.stop();
  }
  return 0;
};
export default cp;
