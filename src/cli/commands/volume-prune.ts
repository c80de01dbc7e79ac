/** `volume prune`: unused anonymous volumes, or with --all every unused volume. */
import type { CommandHandler } from '../command.js';
import { pruneVolumes } from '../../../runtime/volumes.js';
import { parseLabelFilters } from './network-format.js';

const prune: CommandHandler = async ({ options, stdout }) => {
  const removed = await pruneVolumes({ all: !!options.all, labels: parseLabelFilters(options.filter) });
  if (removed.length > 0) stdout.write(`Deleted Volumes:\n${removed.map((n) => `${n}\n`).join('')}`);
  return 0;
};
export default prune;
