/** `start [SERVICE...]`: starts the existing stopped containers, dependencies first, waiting on depends_on conditions. */
import type { CommandHandler } from '../command.js';
import { planStart } from '../../reconcile/plan-lifecycle.js';
import { runLifecycle } from './lifecycle-run.js';

const start: CommandHandler = (ctx) => runLifecycle(ctx, { title: 'Starting', plan: (p, o) => planStart(p, o, { services: ctx.args }) });
export default start;
