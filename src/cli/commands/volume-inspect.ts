/** `volume inspect NAME...`: docker's shape as a JSON array. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { inspectVolume } from '../../../runtime/volumes.js';
import { eachArg } from './network-format.js';

const inspect: CommandHandler = async ({ args, stdout, stderr }) => {
  if (args.length === 0) throw usageError('"volume inspect" requires at least 1 argument');
  const out: unknown[] = [];
  const code = await eachArg(args, stderr, async (a) => {
    const v = inspectVolume(a);
    out.push({ CreatedAt: v.created, Driver: v.driver, Labels: v.labels, Mountpoint: v.mountpoint, Name: v.name, Options: v.driverOpts, Scope: 'local', UsedBy: v.users });
  });
  stdout.write(`${JSON.stringify(out, null, 4)}\n`);
  return code;
};
export default inspect;
