/**
 * The project an inspection command (top, port, wait, events, stats) looks at: the Compose file's project
 * when there is one, else the -p name alone (docker compose's projectOrName), since these commands only read
 * what carries the project label.
 */
import type { CommandContext } from '../command.js';
import { usageError } from '../../errors.js';
import type { Project } from '../../compose/types.js';
import { loadComposeProject } from './compose-project.js';

export async function projectOrName(ctx: CommandContext, services: string[] = []): Promise<{ name: string; project?: Project }> {
  try {
    const project = await loadComposeProject(ctx, services);
    for (const s of services) if (!project.services[s]) throw usageError(`no such service: ${s}`);
    return { name: project.name, project };
  } catch (e) {
    if (ctx.global.projectName && (e as { code?: string }).code === 'E_NO_FILE') return { name: ctx.global.projectName };
    throw e;
  }
}
