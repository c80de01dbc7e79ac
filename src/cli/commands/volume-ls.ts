/** `volume ls`: every volume, named and anonymous. */
import type { CommandHandler } from '../command.js';
import { listVolumes, type VolumeRecord } from '../../../runtime/volumes.js';
import { parseLabelFilters, renderTable } from './network-format.js';

export function renderVolumeList(vols: VolumeRecord[], format: unknown, quiet: boolean): string {
  if (quiet) return vols.map((v) => `${v.name}\n`).join('');
  if (format === 'json') return vols.map((v) => `${JSON.stringify({ Driver: v.driver, Name: v.name, Mountpoint: v.mountpoint, Labels: v.labels, Anonymous: v.anonymous, InUse: v.users.length > 0 })}\n`).join('');
  return renderTable(['DRIVER', 'VOLUME NAME'], vols.map((v) => [v.driver, v.name]));
}

const ls: CommandHandler = async ({ options, stdout }) => {
  const want = parseLabelFilters(options.filter);
  const vols = listVolumes().filter((v) => Object.entries(want).every(([k, val]) => k in v.labels && (val === '' || v.labels[k] === val)));
  stdout.write(renderVolumeList(vols, options.format, !!options.quiet));
  return 0;
};
export default ls;
