/**
 * What exec and cp share: the project name (from the Compose file, or -p alone when there is none, as
 * docker compose allows) and the running containers of one of its services, found by their labels.
 */
import type { CommandContext } from '../command.js';
import { listContainers, type ContainerSummary } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { projectOrName } from './project-or-name.js';

/** The project's name and the environment its file was interpolated with (the caller's alone without a file). */
export async function resolveProject(ctx: CommandContext): Promise<{ name: string; environment: Record<string, string | undefined> }> {
  const { name, project } = await projectOrName(ctx);
  return { name, environment: project?.environment ?? ctx.env };
}

/** The service's containers that are up (running, paused, restarting); one-offs included. */
export function collectServiceContainers(project: string, service: string, opts: { all?: boolean } = {}): ContainerSummary[] {
  return listContainers({ labels: [`${L.project}=${project}`, `${L.service}=${service}`], all: opts.all ?? false });
}
