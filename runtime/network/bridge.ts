/**
 * The Linux bridge behind one network: created with one `ip -batch` call (device, mtu, gateway address, up),
 * plus route_localnet=1 on this bridge only, so published ports answer on 127.0.0.1 (see iptables-plan.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { RuntimeError } from '../errors.js';
import { execTool, execToolRaw } from './exec-tool.js';
import { BRIDGE_PREFIX } from './iptables-plan.js';

export const MTU_OPT = 'com.docker.network.driver.mtu';

/** Pure: the mtu asked for by driver_opts, if any. */
export function planMtu(netName: string, driverOpts: Record<string, string>): number | undefined {
  const raw = driverOpts[MTU_OPT];
  if (raw === undefined || raw === '') return undefined;
  const mtu = Number(raw);
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) {
    throw new RuntimeError('E_NET_MTU', `network "${netName}": driver_opts ${MTU_OPT}="${raw}" is not an MTU (68-65535)`);
  }
  return mtu;
}

/** A device name that no link on the host has: `tsc-` + 8 hex (12 chars, under IFNAMSIZ 15). */
export function collectFreeDeviceName(prefix = BRIDGE_PREFIX): string {
  for (;;) {
    const name = `${prefix}${randomBytes(4).toString('hex')}`;
    if (!existsSync(`/sys/class/net/${name}`)) return name;
  }
}

/**
 * The bridge gets a fixed MAC: without one it takes the lowest MAC among its ports, so it changes whenever a
 * container joins or leaves, and every container's ARP entry for the gateway (and the resolver) goes stale.
 */
export function planBridgeBatch(device: string, gateway: string, subnet: string, mac: string, mtu?: number): string {
  const prefix = subnet.split('/')[1];
  return [
    `link add name ${device} address ${mac}${mtu ? ` mtu ${mtu}` : ''} type bridge`,
    `addr add ${gateway}/${prefix} dev ${device}`,
    `link set ${device} up`,
  ].join('\n') + '\n';
}

export async function execCreateBridge(netName: string, device: string, gateway: string, subnet: string, mtu?: number): Promise<void> {
  // locally administered, unicast: 02:xx:xx:xx:xx:xx
  const mac = ['02', ...[...randomBytes(5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
  await execTool(`create network "${netName}": bridge ${device}`, ['ip', '-batch', '-'], planBridgeBatch(device, gateway, subnet, mac, mtu));
  try {
    writeFileSync(`/proc/sys/net/ipv4/conf/${device}/route_localnet`, '1');
  } catch (e) {
    await execRemoveBridge(device);
    throw new RuntimeError('E_NET_SYSCTL', `create network "${netName}": set route_localnet on ${device}: ${(e as NodeJS.ErrnoException).code}`);
  }
}

/** Deleting the bridge also removes its address and the route of its subnet; a missing bridge is fine. */
export async function execRemoveBridge(device: string): Promise<void> {
  const r = await execToolRaw(['ip', 'link', 'del', device]);
  if (r.code !== 0 && !/Cannot find device|does not exist/i.test(r.stderr)) {
    throw new RuntimeError('E_NET_TOOL', `remove bridge ${device}: ${r.stderr.trim()}`);
  }
}

/** Outbound traffic needs forwarding on; Docker turns it on the same way and, like Docker, we leave it on. */
export function execEnableForwarding(): void {
  const file = '/proc/sys/net/ipv4/ip_forward';
  try {
    if (readFileSync(file, 'utf8').trim() !== '1') writeFileSync(file, '1');
  } catch (e) {
    throw new RuntimeError('E_NET_SYSCTL', `enable IPv4 forwarding: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
