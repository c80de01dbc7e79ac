/** `image tag SOURCE TARGET`. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { tagImage } from '../../../runtime/images.js';

const tag: CommandHandler = async ({ args }) => {
  if (args.length !== 2) throw usageError('"image tag" requires exactly 2 arguments', 'Usage: tscompose image tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]');
  await tagImage(args[0]!, args[1]!);
  return 0;
};
export default tag;
