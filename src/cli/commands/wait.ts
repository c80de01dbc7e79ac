/**
 * `wait SERVICE... [--down-project]`: blocks until every running container of the services has exited,
 * printing `container "<id>" exited with status code N` for each as it exits; the exit code is the status
 * code of the container that exited last (docker compose keeps overwriting it). --down-project runs `down`
 * (orphans included) afterwards.
 */
import type { CommandHandler } from '../command.js';
import { UserError, usageError } from '../../errors.js';
import { listContainers, waitContainer } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { projectOrName } from './project-or-name.js';

/** Pure: docker compose's line for one exited container. */
export const exitLine = (id: string, code: number): string => `container "${id}" exited with status code ${code}\n`;

const wait: CommandHandler = async (ctx) => {
  if (ctx.args.length === 0) throw usageError('wait: want at least one SERVICE', 'e.g. tscompose wait web');
  const { name } = await projectOrName(ctx, ctx.args);
  const containers = listContainers({ labels: [`${L.project}=${name}`], all: false })
    .filter((c) => ctx.args.includes(c.labels[L.service] ?? ''));
  if (containers.length === 0) throw new UserError('E_NO_CONTAINER', `no containers for project "${name}"`);
  let last = 0;
  await Promise.all(containers.map(async (c) => {
    const r = await waitContainer(c.id);
    ctx.stdout.write(exitLine(c.id, r.exitCode));
    last = r.exitCode;
  }));
  if (ctx.options.downProject === true) {
    const down = (await import('./down.js')).default;
    const code = await down({ ...ctx, args: [], options: { removeOrphans: true } });
    if (code !== 0) return code;
  }
  return last;
};
export default wait;
