/** `pause [SERVICE...]`: freezes the running containers of the services (cgroup freezer). */
import type { CommandHandler } from '../command.js';
import { planPause } from '../../reconcile/plan-lifecycle.js';
import { runLifecycle } from './lifecycle-run.js';

const pause: CommandHandler = (ctx) => runLifecycle(ctx, { title: 'Pausing', withoutFile: true, plan: (p, o) => planPause(p, o, { services: ctx.args }) });
export default pause;
