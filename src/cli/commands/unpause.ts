/** `unpause [SERVICE...]`: thaws the paused containers of the services. */
import type { CommandHandler } from '../command.js';
import { planUnpause } from '../../reconcile/plan-lifecycle.js';
import { runLifecycle } from './lifecycle-run.js';

const unpause: CommandHandler = (ctx) => runLifecycle(ctx, { title: 'Unpausing', withoutFile: true, plan: (p, o) => planUnpause(p, o, { services: ctx.args }) });
export default unpause;
