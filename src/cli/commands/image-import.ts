/** `image import FILE|- [REPOSITORY[:TAG]]`: a root file system tarball as a single-layer image; prints its id. */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { CommandHandler } from '../command.js';
import { UserError, usageError } from '../../errors.js';
import { parsePlatform } from '../../../runtime/images.js';
import { importImage } from '../../../runtime/image-archive.js';

const importCmd: CommandHandler = async ({ args, options, stdout, cwd }) => {
  if (args.length < 1 || args.length > 2) throw usageError('"image import" requires 1 or 2 arguments', 'Usage: tscompose image import [OPTIONS] file|- [REPOSITORY[:TAG]]');
  const file = args[0]!;
  let source: Readable;
  if (file === '-') source = process.stdin;
  else {
    const abs = path.resolve(cwd, file);
    const st = await fs.stat(abs).catch((e: NodeJS.ErrnoException) => {
      throw new UserError('E_IMAGE_IMPORT', `import "${file}": ${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message}`);
    });
    if (!st.isFile()) throw new UserError('E_IMAGE_IMPORT', `import "${file}": not a file`);
    source = createReadStream(abs);
  }
  const rec = await importImage(source, {
    sourceName: file,
    ...(args[1] ? { reference: args[1] } : {}),
    changes: (options.change as string[] | undefined) ?? [],
    ...(options.message ? { message: String(options.message) } : {}),
    ...(options.platform ? { platform: parsePlatform(String(options.platform)) } : {}),
  });
  stdout.write(`${rec.id}\n`);
  return 0;
};
export default importCmd;
