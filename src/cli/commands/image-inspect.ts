/** `image inspect IMAGE...`: a JSON array shaped like docker's (Id, RepoTags, Config, RootFS, …). */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { familiarName, parseImageConfig, parseReference, readBlob, requireImage } from '../../../runtime/images.js';

const inspect: CommandHandler = async ({ args, stdout }) => {
  if (args.length === 0) throw usageError('"image inspect" requires at least 1 argument');
  const out: unknown[] = [];
  for (const a of args) {
    const rec = await requireImage(a);
    const cfg = parseImageConfig(await readBlob(rec.configDigest), `image "${a}"`);
    out.push({
      Id: rec.id,
      RepoTags: rec.repoTags.map((t) => familiarName(parseReference(t))),
      RepoDigests: rec.repoDigests.map((d) => {
        const r = parseReference(d);
        return `${familiarName({ domain: r.domain, path: r.path }).replace(/:latest$/, '')}@${r.digest}`;
      }),
      Created: rec.created,
      Architecture: rec.platform.architecture,
      ...(rec.platform.variant ? { Variant: rec.platform.variant } : {}),
      Os: rec.platform.os,
      Size: rec.size,
      Config: (cfg.raw.config as object | undefined) ?? {},
      RootFS: { Type: 'layers', Layers: cfg.diffIds },
      Metadata: { LastTagTime: rec.storedAt },
      Descriptor: { mediaType: rec.manifestMediaType, digest: rec.manifestDigest },
    });
  }
  stdout.write(`${JSON.stringify(out, null, 4)}\n`);
  return 0;
};
export default inspect;
