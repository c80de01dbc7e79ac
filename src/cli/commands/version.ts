import type { CommandHandler } from '../command.js';
import { productVersion } from '../../version.js';

const version: CommandHandler = async ({ options, stdout }) => {
  const v = productVersion();
  if (options.short) stdout.write(`${v}\n`);
  else if (options.format === 'json') stdout.write(`${JSON.stringify({ version: `v${v}` })}\n`);
  else stdout.write(`tscompose version v${v}\n`);
  return 0;
};
export default version;
