/** `network rm NAME...`: refuses a network still in use; removes its bridge, rules and resolver. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { removeNetwork } from '../../../runtime/networks.js';
import { eachArg } from './network-format.js';

const rm: CommandHandler = async ({ args, stdout, stderr }) => {
  if (args.length === 0) throw usageError('"network rm" requires at least 1 argument');
  return eachArg(args, stderr, async (a) => {
    await removeNetwork(a);
    stdout.write(`${a}\n`);
  });
};
export default rm;
