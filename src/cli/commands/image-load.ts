/** `image load -i FILE [-q]`: docker-archive or OCI-layout tarballs. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { familiarName, parseReference } from '../../../runtime/images.js';
import { loadImages } from '../../../runtime/image-archive.js';

const load: CommandHandler = async ({ options, stdout, cwd }) => {
  const input = options.input as string | undefined;
  if (!input) throw usageError('"image load" needs --input FILE (reading stdin is not supported yet)');
  const path = await import('node:path');
  const recs = await loadImages(path.resolve(cwd, input));
  if (options.quiet) return 0;
  for (const r of recs) {
    if (r.repoTags.length === 0) stdout.write(`Loaded image ID: ${r.id}\n`);
    for (const t of r.repoTags) stdout.write(`Loaded image: ${familiarName(parseReference(t))}\n`);
  }
  return 0;
};
export default load;
