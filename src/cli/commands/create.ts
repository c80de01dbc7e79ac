/**
 * `create [SERVICE...]`: `up --no-start` as docker compose defines it: networks, volumes and containers are
 * created (or recreated on a change) and nothing is started. --pull is checked and otherwise left to up's
 * rule (images missing from the store are pulled, pull_policy never refuses).
 */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';

const PULL = ['always', 'missing', 'never', 'build'];

/** Pure: create's flags as up's options (detached, no start). */
export function createAsUpOptions(o: Record<string, unknown>): Record<string, unknown> {
  if (o.pull !== undefined && !PULL.includes(String(o.pull))) throw usageError(`invalid --pull "${String(o.pull)}": want one of ${PULL.join(', ')}`);
  if (o.forceRecreate && o.recreate === false) throw usageError('--force-recreate and --no-recreate are incompatible');
  const { pull: _pull, ...rest } = o;
  return { ...rest, detach: true, start: false };
}

const create: CommandHandler = async (ctx) => {
  const options = createAsUpOptions(ctx.options);
  const up = (await import('./up.js')).default;
  return up({ ...ctx, options });
};
export default create;
