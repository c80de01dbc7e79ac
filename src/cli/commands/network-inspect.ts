/** `network inspect NAME...`: docker's shape (Name, Id, IPAM, Containers, ...) as a JSON array. */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { inspectNetwork, type NetworkRecord } from '../../../runtime/networks.js';
import { eachArg } from './network-format.js';

export function renderNetworkInspect(n: NetworkRecord): Record<string, unknown> {
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Config: [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }] },
    Internal: n.internal,
    Containers: Object.fromEntries(Object.values(n.endpoints).map((e) => [e.containerId, {
      Name: e.containerName, MacAddress: e.mac ?? '', IPv4Address: `${e.ipv4}/${n.subnet.split('/')[1]}`, Aliases: e.aliases, Ports: e.ports,
    }])),
    Options: { ...n.driverOpts, 'com.docker.network.bridge.name': n.device },
    Labels: n.labels,
    Resolver: n.resolver ? `${n.resolver.address}:${n.resolver.port} (pid ${n.resolver.pid})` : null,
  };
}

const inspect: CommandHandler = async ({ args, stdout, stderr }) => {
  if (args.length === 0) throw usageError('"network inspect" requires at least 1 argument');
  const out: unknown[] = [];
  const code = await eachArg(args, stderr, async (a) => { out.push(renderNetworkInspect(inspectNetwork(a))); });
  stdout.write(`${JSON.stringify(out, null, 4)}\n`);
  return code;
};
export default inspect;
