/**
 * `port [--index N] [--protocol tcp|udp] SERVICE PRIVATE_PORT`: the public address of a published port of one
 * replica (`0.0.0.0:32768`, or the host_ip it was bound to). Errors as docker compose words them: no such
 * replica, or the port is not published (listing what is).
 */
import type { CommandHandler } from '../command.js';
import { UserError, usageError } from '../../errors.js';
import { listContainers, listNetworks, type ContainerSummary, type PublishedPort } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { projectOrName } from './project-or-name.js';

/** Pure: the replica `index` (docker compose's --index; 0 or none: the first one running) of a service. */
export function pickReplica(containers: ContainerSummary[], service: string, index: number): ContainerSummary | undefined {
  const mine = containers
    .filter((c) => c.labels[L.service] === service && c.labels[L.oneoff] !== 'True')
    .sort((a, b) => Number(a.labels[L.number] ?? 0) - Number(b.labels[L.number] ?? 0));
  return index > 0 ? mine.find((c) => Number(c.labels[L.number]) === index) : mine[0];
}

/** Pure: `host_ip:port` of the mapping, or the error naming what the container does publish. */
export function lookupPort(name: string, ports: PublishedPort[], target: number, protocol: string): string {
  const hit = ports.find((p) => p.target === target && p.protocol === protocol);
  if (!hit) {
    const have = ports.map((p) => `${p.target}/${p.protocol}`).join(', ');
    throw new UserError('E_NO_PORT', `no port ${target}/${protocol} for container ${name}: ${have}`);
  }
  return `${hit.hostIp || '0.0.0.0'}:${hit.published}`;
}

const port: CommandHandler = async (ctx) => {
  const [service, privatePort] = ctx.args;
  if (!service || !privatePort || ctx.args.length > 2) throw usageError('port: want SERVICE PRIVATE_PORT', 'e.g. tscompose port web 80');
  if (!/^\d+$/.test(privatePort) || Number(privatePort) < 1 || Number(privatePort) > 65535) throw usageError(`invalid port "${privatePort}": want a number from 1 to 65535`);
  const protocol = String(ctx.options.protocol ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') throw usageError(`invalid --protocol "${protocol}": want tcp or udp`);
  const indexRaw = String(ctx.options.index ?? '0');
  if (!/^\d+$/.test(indexRaw)) throw usageError(`invalid --index "${indexRaw}": want a number`);
  const index = Number(indexRaw);
  const { name } = await projectOrName(ctx, [service]);
  const running = listContainers({ labels: [`${L.project}=${name}`], all: false });
  const c = pickReplica(running, service, index);
  if (!c) throw new UserError('E_NO_CONTAINER', `no container found for ${service}-${index || 1}`);
  const ports = listNetworks().flatMap((n) => n.endpoints[c.id]?.ports ?? []);
  ctx.stdout.write(`${lookupPort(c.name, ports, Number(privatePort), protocol)}\n`);
  return 0;
};
export default port;
