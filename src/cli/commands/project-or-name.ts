/**
 * The project a command that only reads what carries the project label (ps, logs, exec, cp, down, top, port,
 * wait, events, stats) looks at: the Compose file's project
 * when there is one, else the -p name alone (docker compose's projectOrName), since these commands only read
 * what carries the project label.
 */
import type { CommandContext } from '../command.js';
import type { Project } from '../../compose/types.js';
import { assertServicesExist } from '../../reconcile/plan.js';
import { loadComposeProject } from './compose-project.js';

export async function projectOrName(ctx: CommandContext, services: string[] = []): Promise<{ name: string; project?: Project }> {
  try {
    const project = await loadComposeProject(ctx, services);
    assertServicesExist(project, services);
    return { name: project.name, project };
  } catch (e) {
    if (ctx.global.projectName && (e as { code?: string }).code === 'E_NO_FILE') return { name: ctx.global.projectName };
    throw e;
  }
}
