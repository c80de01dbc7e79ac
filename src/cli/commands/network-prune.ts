/** `network prune`: removes every network no container is attached to (label filters narrow it). */
import type { CommandHandler } from '../command.js';
import { pruneNetworks } from '../../../runtime/networks.js';
import { parseLabelFilters } from './network-format.js';

const prune: CommandHandler = async ({ options, stdout }) => {
  const removed = await pruneNetworks(parseLabelFilters(options.filter));
  if (removed.length > 0) stdout.write(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}`);
  return 0;
};
export default prune;
