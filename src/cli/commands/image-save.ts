/** `image save -o FILE IMAGE...`: a tarball docker, podman and tscompose load. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { saveImages } from '../../../runtime/image-archive.js';

const save: CommandHandler = async ({ args, options, cwd }) => {
  if (args.length === 0) throw usageError('"image save" requires at least 1 argument');
  const output = options.output as string | undefined;
  if (!output) throw usageError('"image save" needs --output FILE (writing to stdout is not supported yet)');
  const path = await import('node:path');
  await saveImages(args, path.resolve(cwd, output));
  return 0;
};
export default save;
