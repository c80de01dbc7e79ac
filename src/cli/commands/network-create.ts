/** `network create NAME`: a bridge network with its addresses, rules and resolver. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { createNetwork } from '../../../runtime/networks.js';
import { parseKeyValues } from './network-format.js';

const create: CommandHandler = async ({ args, options, stdout }) => {
  if (args.length !== 1) throw usageError('"network create" requires exactly 1 argument');
  const rec = await createNetwork({
    name: args[0]!,
    driver: options.driver as string | undefined,
    subnet: options.subnet as string | undefined,
    gateway: options.gateway as string | undefined,
    ipRange: options.ipRange as string | undefined,
    internal: !!options.internal,
    enableIpv6: !!options.ipv6,
    labels: parseKeyValues('--label', options.label),
    driverOpts: parseKeyValues('--opt', options.opt),
  });
  stdout.write(`${rec.id}\n`);
  return 0;
};
export default create;
