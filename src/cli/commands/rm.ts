/**
 * `rm [-f] [-s] [-v] [SERVICE...]`: removes the stopped containers of the services. -s stops the running ones
 * first; without -f docker compose asks `Going to remove <names>` / `Are you sure? [yN]` and removes only on a
 * "y" read from stdin (no answer, as with a closed stdin, removes nothing). Nothing stopped: "No stopped
 * containers" on stderr, exit 0.
 */
import type { CommandContext, CommandHandler } from '../command.js';
import { printWarnings } from './compose-project.js';
import { planRm, planStop } from '../../reconcile/plan-lifecycle.js';
import type { Plan } from '../../reconcile/plan-model.js';
import { withProjectLock } from '../../reconcile/project-lock.js';
import { collectProject, execLifecycle } from './lifecycle-run.js';

/** Pure: the containers a removal plan names, in plan order. */
export function removalNames(plan: Plan): string[] {
  return plan.steps.filter((s) => s.op === 'remove-container').map((s) => s.resource.replace(/^Container /, ''));
}

/** Pure: docker compose's yes/no reading of an answer ("y", "yes", any case); anything else is no. */
export function isYes(answer: string): boolean {
  return /^\s*(y|yes)\s*$/i.test(answer);
}

/** Reads one line from stdin (or what there is until EOF). */
function readAnswer(): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    let buf = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      stdin.off('error', finish);
      stdin.pause();
      resolve(buf.split('\n')[0] ?? '');
    };
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.includes('\n')) finish();
    };
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('error', finish);
    stdin.resume();
  });
}

async function confirmRemoval(ctx: CommandContext, plan: Plan, force: boolean): Promise<boolean> {
  const names = removalNames(plan);
  if (names.length === 0) {
    ctx.stderr.write('No stopped containers\n');
    return false;
  }
  const msg = `Going to remove ${names.join(', ')}`;
  if (force) {
    ctx.stdout.write(`${msg}\n`);
    return true;
  }
  ctx.stdout.write(`${msg}\nAre you sure? [yN] `);
  const yes = isYes(await readAnswer());
  if (!yes) ctx.stdout.write('\n');
  return yes;
}

const rm: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const project = await collectProject(ctx, true);
  printWarnings(ctx, project.warnings);
  return withProjectLock(project.name, (m) => ctx.stderr.write(`${m}\n`), async () => {
    if (o.stop === true) {
      const code = await execLifecycle(ctx, project, { title: 'Stopping', plan: (p, obs) => planStop(p, obs, { services: ctx.args }) });
      if (code !== 0) return code;
    }
    return execLifecycle(ctx, project, {
      title: 'Removing',
      plan: (p, obs) => planRm(p, obs, { services: ctx.args, volumes: o.volumes === true }),
      confirm: (plan) => confirmRemoval(ctx, plan, o.force === true),
    });
  });
};
export default rm;
