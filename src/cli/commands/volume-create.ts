/** `volume create [NAME]`: a local volume (driver options as -o type=tmpfs -o device=tmpfs -o o=size=64m). */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { createVolume } from '../../../runtime/volumes.js';
import { parseKeyValues } from './network-format.js';

const create: CommandHandler = async ({ args, options, stdout }) => {
  if (args.length > 1) throw usageError('"volume create" accepts at most 1 argument');
  const v = await createVolume({
    ...(args[0] ? { name: args[0] } : {}),
    driver: options.driver as string | undefined,
    labels: parseKeyValues('--label', options.label),
    driverOpts: parseKeyValues('--opt', options.opt),
  });
  stdout.write(`${v.name}\n`);
  return 0;
};
export default create;
