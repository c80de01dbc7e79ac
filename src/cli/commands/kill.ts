/**
 * `kill [-s SIGNAL] [--remove-orphans] [SERVICE...]`: sends the signal (default SIGKILL) to the running
 * containers; with nothing running docker compose says "no container to kill" and succeeds.
 */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { parseSignal } from '../../../runtime/index.js';
import { planKill } from '../../reconcile/plan-lifecycle.js';
import { runLifecycle } from './lifecycle-run.js';

/** Pure: the signal name as the plan records it ("TERM", "sigterm", "15" → SIGTERM / 15); a bad one is a usage error. */
export function normalizeSignal(v: unknown): string {
  const raw = typeof v === 'string' && v !== '' ? v : 'SIGKILL';
  try {
    parseSignal(raw);
  } catch {
    throw usageError(`invalid signal "${raw}"`, 'use a name such as SIGTERM or a number such as 15');
  }
  if (/^\d+$/.test(raw)) return raw;
  const up = raw.toUpperCase();
  return up.startsWith('SIG') ? up : `SIG${up}`;
}

const kill: CommandHandler = (ctx) => {
  const signal = normalizeSignal(ctx.options.signal);
  const orphans = ctx.options.removeOrphans === true || ['1', 'true'].includes((ctx.env.COMPOSE_REMOVE_ORPHANS ?? '').toLowerCase());
  return runLifecycle(ctx, {
    title: 'Killing',
    withoutFile: true,
    plan: (p, o) => planKill(p, o, { services: ctx.args, signal, orphans }),
    confirm: async (plan) => {
      if (plan.steps.length === 0) ctx.stderr.write('no container to kill\n');
      return true;
    },
  });
};
export default kill;
