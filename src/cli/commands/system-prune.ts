/**
 * `system prune [-a] [-f] [--volumes]`: docker's order and output over what tscompose owns: stopped
 * containers (detached from networks, volumes released), networks no container uses, with --volumes unused
 * anonymous volumes, then dangling images (-a: every image no container uses) with their blobs and
 * snapshots. There is no build cache yet. Running and paused containers, and what they use, stay.
 */
import type { CommandHandler } from '../command.js';
import { listContainers, pruneNetworks, pruneVolumes, pruneImages } from '../../../runtime/index.js';
import { execRemoveContainer } from '../../reconcile/exec-steps.js';
import { askConfirmation } from './image-prune.js';
import { humanSize } from './image-format.js';

/** Pure: docker's warning text for the chosen flags. */
export function pruneWarning(o: { all?: boolean; volumes?: boolean }): string {
  const lines = [
    'WARNING! This will remove:',
    '  - all stopped containers',
    '  - all networks not used by at least one container',
    ...(o.volumes ? ['  - all anonymous volumes not used by at least one container'] : []),
    o.all ? '  - all images without at least one container associated to them' : '  - all dangling images',
    '  - unused build cache',
    '',
  ];
  return lines.join('\n');
}

/** Pure: a "Deleted …:" section, or nothing when the list is empty. */
export function section(title: string, items: readonly string[]): string {
  return items.length ? `${title}:\n${items.map((i) => `${i}\n`).join('')}\n` : '';
}

const KEEP = new Set(['running', 'paused', 'restarting']);

const prune: CommandHandler = async ({ options, stdout }) => {
  const o = { all: !!options.all, volumes: !!options.volumes };
  if (!options.force && !(await askConfirmation(pruneWarning(o), stdout))) return 0;
  const containers: string[] = [];
  for (const c of listContainers({ all: true })) {
    if (KEEP.has(c.status)) continue;
    await execRemoveContainer(c.id, false);
    containers.push(c.id);
  }
  stdout.write(section('Deleted Containers', containers));
  stdout.write(section('Deleted Networks', await pruneNetworks()));
  if (o.volumes) stdout.write(section('Deleted Volumes', await pruneVolumes({ all: false })));
  const images = await pruneImages({ all: o.all });
  stdout.write(section('Deleted Images', images.deletedImages.map((i) => `deleted: ${i}`)));
  stdout.write(`Total reclaimed space: ${humanSize(images.reclaimedBytes)}\n`);
  return 0;
};
export default prune;
