/** `image push REF`: uploads what the registry lacks, then the manifest. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { parseReference } from '../../../runtime/images.js';
import { pushImage } from '../../../runtime/image-transfer.js';

const push: CommandHandler = async ({ args, options, stdout, env }) => {
  if (args.length !== 1) throw usageError('"image push" requires exactly 1 argument');
  const ref = parseReference(args[0]!);
  if (!options.quiet) stdout.write(`The push refers to repository [${ref.domain}/${ref.path}]\n`);
  const r = await pushImage(args[0]!, {
    env,
    onProgress: (p) => {
      if (options.quiet) return;
      if (p.status === 'exists') stdout.write(`${p.id}: Layer already exists\n`);
      if (p.status === 'pushed') stdout.write(`${p.id}: Pushed\n`);
    },
  });
  stdout.write(options.quiet ? `${ref.domain}/${ref.path}:${ref.tag ?? 'latest'}\n` : `${ref.tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}\n`);
  return 0;
};
export default push;
