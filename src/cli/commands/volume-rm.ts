/** `volume rm NAME...`: refuses a volume a container uses. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { removeVolume } from '../../../runtime/volumes.js';
import { eachArg } from './network-format.js';

const rm: CommandHandler = async ({ args, options, stdout, stderr }) => {
  if (args.length === 0) throw usageError('"volume rm" requires at least 1 argument');
  return eachArg(args, stderr, async (a) => {
    await removeVolume(a, { force: !!options.force });
    stdout.write(`${a}\n`);
  });
};
export default rm;
