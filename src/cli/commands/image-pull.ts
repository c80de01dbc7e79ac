/** `image pull REF [-q] [--platform]`: docker's output lines, one per layer state change worth seeing. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { familiarName, parsePlatform, parseReference, formatReference } from '../../../runtime/images.js';
import { pullImage, type PullProgress } from '../../../runtime/image-transfer.js';

/** Pulls one reference and writes docker's plain progress; shared by the Compose `pull` later. */
export async function execPull(refText: string, o: { quiet?: boolean; platform?: string; stdout: NodeJS.WritableStream; env: Record<string, string | undefined> }): Promise<void> {
  const ref = parseReference(refText);
  const platform = o.platform ? parsePlatform(o.platform) : undefined;
  if (!o.quiet) o.stdout.write(`${ref.tag ?? ref.digest}: Pulling from ${ref.domain === 'docker.io' ? ref.path : `${ref.domain}/${ref.path}`}\n`);
  const seen = new Map<string, string>();
  const onProgress = (p: PullProgress) => {
    if (o.quiet) return;
    const line = p.status === 'exists' ? 'Already exists' : p.status === 'done' ? 'Pull complete' : undefined;
    if (line && seen.get(p.id) !== line) {
      seen.set(p.id, line);
      o.stdout.write(`${p.id}: ${line}\n`);
    }
  };
  const { record, downloaded } = await pullImage(refText, { env: o.env, ...(platform ? { platform } : {}), onProgress });
  if (o.quiet) {
    o.stdout.write(`${formatReference(ref)}\n`);
    return;
  }
  o.stdout.write(`Digest: ${record.indexDigest ?? record.manifestDigest}\n`);
  o.stdout.write(`Status: ${downloaded > 0 ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}\n`);
  o.stdout.write(`${formatReference(ref)}\n`);
}

const pull: CommandHandler = async ({ args, options, stdout, env }) => {
  if (args.length !== 1) throw usageError('"image pull" requires exactly 1 argument', 'Usage: tscompose image pull [OPTIONS] NAME[:TAG|@DIGEST]');
  await execPull(args[0]!, { quiet: !!options.quiet, platform: options.platform as string | undefined, stdout, env });
  return 0;
};
export default pull;
