/** `image prune [-a] [-f]`: drop dangling (or all unused) images, then blobs and snapshots nothing uses. */
import type { CommandHandler } from '../command.js';
import { pruneImages } from '../../../runtime/images.js';
import { humanSize } from './image-format.js';

/** docker's `[y/N]` question on stdout; the answer is one line of stdin (no answer: no). */
export async function askConfirmation(warning: string, stdout: NodeJS.WritableStream): Promise<boolean> {
  stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return /^y(es)?$/i.test(Buffer.concat(chunks).toString().trim());
}

const prune: CommandHandler = async ({ options, stdout }) => {
  const all = !!options.all;
  const warning = `WARNING! This will remove all ${all ? 'images without at least one container associated to them' : 'dangling images'}.`;
  if (!options.force && !(await askConfirmation(warning, stdout))) return 0;
  const r = await pruneImages({ all });
  if (r.deletedImages.length) stdout.write(`Deleted Images:\n${r.deletedImages.map((i) => `deleted: ${i}\n`).join('')}\n`);
  stdout.write(`Total reclaimed space: ${humanSize(r.reclaimedBytes)}\n`);
  return 0;
};
export default prune;
