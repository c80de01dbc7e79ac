/** `stop [-t N] [SERVICE...]`: stops the running containers, dependents first; -t overrides stop_grace_period. */
import type { CommandHandler } from '../command.js';
import { planStop } from '../../reconcile/plan-lifecycle.js';
import { parseStopTimeout, runLifecycle } from './lifecycle-run.js';

const stop: CommandHandler = (ctx) => {
  const stopTimeoutMs = parseStopTimeout(ctx.options.timeout);
  return runLifecycle(ctx, { title: 'Stopping', stopTimeoutMs, withoutFile: true, plan: (p, o) => planStop(p, o, { services: ctx.args }) });
};
export default stop;
