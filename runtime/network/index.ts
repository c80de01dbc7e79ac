/** Networks: the face runtime/index.ts re-exports (see endpoint.ts and network.ts for the behaviour). */
export { createNetwork, removeNetwork, inspectNetwork, listNetworks, pruneNetworks, type RemoveOptions } from './network.js';
export { attachNetwork, detachNetwork, collectPublishedPorts, planGatewayNetwork, planInterfaceName, type AttachOptions } from './endpoint.js';
export { readNetwork, requireNetwork } from './store.js';
export type { PortRequest } from './ports.js';
export type { NetworkRecord, NetworkCreateOptions, Endpoint, PublishedPort, IptRule } from './types.js';
export { planResolvConf, planHostsFile, type ResolvConfInput, type HostsInput } from './resolv-conf.js';
