/** `image ls` / `images`: docker's table, `--format json` (one object per line) or `-q` ids. */
import type { CommandHandler } from '../command.js';
import { listImages } from '../../../runtime/images.js';
import { humanAgo, humanSize, imageRows, shortId, table } from './image-format.js';

const ls: CommandHandler = async ({ options, stdout }) => {
  const rows = imageRows(await listImages());
  if (options.quiet) {
    const ids = [...new Set(rows.map((r) => shortId(r.rec.id)))];
    stdout.write(ids.map((i) => `${i}\n`).join(''));
    return 0;
  }
  if (options.format === 'json') {
    for (const r of rows) {
      stdout.write(`${JSON.stringify({
        Containers: 'N/A', CreatedAt: r.rec.created, CreatedSince: humanAgo(r.rec.created), Digest: r.rec.indexDigest ?? r.rec.manifestDigest,
        ID: shortId(r.rec.id), Repository: r.repository, Tag: r.tag, Size: humanSize(r.rec.size), VirtualSize: humanSize(r.rec.size),
        SharedSize: 'N/A', UniqueSize: 'N/A',
      })}\n`);
    }
    return 0;
  }
  stdout.write(table(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows.map((r) => [r.repository, r.tag, shortId(r.rec.id), humanAgo(r.rec.created), humanSize(r.rec.size)])));
  return 0;
};
export default ls;
