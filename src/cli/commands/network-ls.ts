/** `network ls`: the networks tscompose made, as docker lists them. */
import type { CommandHandler } from '../command.js';
import { listNetworks } from '../../../runtime/networks.js';
import { parseLabelFilters, renderTable } from './network-format.js';

const ls: CommandHandler = async ({ options, stdout }) => {
  const want = parseLabelFilters(options.filter);
  const nets = listNetworks().filter((n) => Object.entries(want).every(([k, v]) => k in n.labels && (v === '' || n.labels[k] === v)));
  if (options.quiet) stdout.write(nets.map((n) => `${n.id.slice(0, 12)}\n`).join(''));
  else if (options.format === 'json') stdout.write(nets.map((n) => `${JSON.stringify({ ID: n.id.slice(0, 12), Name: n.name, Driver: n.driver, Scope: 'local', Subnet: n.subnet, Internal: n.internal, Labels: n.labels })}\n`).join(''));
  else stdout.write(renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], nets.map((n) => [n.id.slice(0, 12), n.name, n.driver, 'local'])));
  return 0;
};
export default ls;
