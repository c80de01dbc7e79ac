/**
 * What exec and cp share: the project name (from the Compose file, or -p alone when there is none, as
 * docker compose allows) and the running containers of one of its services, found by their labels.
 */
import type { CommandContext } from '../command.js';
import { listContainers, type ContainerSummary } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { loadComposeProject } from './compose-project.js';

/** The project's name and the environment its file was interpolated with (the caller's alone without a file). */
export async function resolveProject(ctx: CommandContext): Promise<{ name: string; environment: Record<string, string | undefined> }> {
  try {
    const p = await loadComposeProject(ctx);
    return { name: p.name, environment: p.environment };
  } catch (e) {
    if (!ctx.global.projectName || (e as { code?: string }).code !== 'E_NO_FILE') throw e;
    return { name: ctx.global.projectName, environment: ctx.env };
  }
}

/** The service's containers that are up (running, paused, restarting); one-offs included. */
export function collectServiceContainers(project: string, service: string, opts: { all?: boolean } = {}): ContainerSummary[] {
  return listContainers({ labels: [`${L.project}=${project}`, `${L.service}=${service}`], all: opts.all ?? false });
}
