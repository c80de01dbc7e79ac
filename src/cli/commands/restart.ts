/**
 * `restart [-t N] [--no-deps] [SERVICE...]`: restarts the named services' containers (all when none), in
 * dependency order. As in docker compose, only the named services restart; --no-deps is accepted for the
 * same reason docker compose has it (it drops the dependency ordering, which changes nothing for one service).
 */
import type { CommandHandler } from '../command.js';
import { planRestart } from '../../reconcile/plan-lifecycle.js';
import { parseStopTimeout, runLifecycle } from './lifecycle-run.js';

const restart: CommandHandler = (ctx) => {
  const stopTimeoutMs = parseStopTimeout(ctx.options.timeout);
  return runLifecycle(ctx, { title: 'Restarting', stopTimeoutMs, plan: (p, o) => planRestart(p, o, { services: ctx.args }) });
};
export default restart;
