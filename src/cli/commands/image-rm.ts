/** `image rm IMAGE...`: untag, and delete the record when nothing names it (data goes at prune). */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { familiarName, parseReference, removeImage } from '../../../runtime/images.js';

const rm: CommandHandler = async ({ args, options, stdout, stderr }) => {
  if (args.length === 0) throw usageError('"image rm" requires at least 1 argument');
  let code = 0;
  for (const a of args) {
    try {
      const r = await removeImage(a, { force: !!options.force });
      for (const u of r.untagged) {
        let shown = u;
        try {
          shown = familiarName(parseReference(u));
        } catch {
          // keep as stored
        }
        stdout.write(`Untagged: ${shown}\n`);
      }
      if (r.deleted) stdout.write(`Deleted: ${r.deleted}\n`);
    } catch (e) {
      if ((e as { userFacing?: boolean }).userFacing !== true) throw e;
      stderr.write(`Error response: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  return code;
};
export default rm;
