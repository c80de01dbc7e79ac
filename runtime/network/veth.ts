/**
 * A container's leg on a network: a veth pair whose host end joins the bridge and whose peer is created
 * directly inside the container's netns (so it never appears on the host under a colliding name), then
 * configured from inside. The addon does it all in one synchronous rtnetlink exchange (about 1 ms); an
 * addon built without attachVeth falls back to `ip -batch` + nsenter `ip -batch` (two spawns, ~10 ms).
 */
import { existsSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { loadAddon, type NativeAddon, type NativeVethSpec } from '../sys/native.js';
import { execTool, execToolRaw } from './exec-tool.js';

/** One container leg on a bridge network: the addon's spec (hairpin is always on here). */
export type VethPlan = Omit<NativeVethSpec, 'hairpin'>;

const IFNAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;

export function checkInterfaceName(container: string, name: string): void {
  if (!IFNAME_RE.test(name) || name === 'lo') {
    throw new RuntimeError('E_NET_IFNAME', `container "${container}": interface_name "${name}" is not a valid interface name (1-15 of a-z0-9_.-, not lo)`);
  }
}

export function planHostBatch(p: VethPlan): string {
  const mtu = p.mtu ? ` mtu ${p.mtu}` : '';
  return [
    `link add name ${p.hostVeth}${mtu} type veth peer name ${p.ifname}${mtu}${p.mac ? ` address ${p.mac}` : ''} netns ${p.netns}`,
    `link set ${p.hostVeth} master ${p.bridge} up`,
    // lets a container reach its own published port through the host (the frame goes back out its port)
    `link set ${p.hostVeth} type bridge_slave hairpin on`,
  ].join('\n') + '\n';
}

export function planNetnsBatch(p: VethPlan): string {
  const lines = [
    `addr add ${p.address}/${p.prefix} dev ${p.ifname}`,
    `link set ${p.ifname} up`,
    'link set lo up',
  ];
  if (p.gateway) lines.push(`route replace default via ${p.gateway} dev ${p.ifname}`);
  return `${lines.join('\n')}\n`;
}

type NativeAttach = NonNullable<NativeAddon['attachVeth']>;

function nativeAttach(): NativeAttach | null {
  try {
    const addon = loadAddon();
    return typeof addon.attachVeth === 'function' ? addon.attachVeth.bind(addon) : null;
  } catch {
    return null; // addon not built: the ip tools still work
  }
}

/** `attach` null takes the ip tools' way (what an addon without attachVeth gets). */
export async function execCreateVeth(what: string, p: VethPlan, attach: NativeAttach | null = nativeAttach()): Promise<void> {
  if (attach) {
    try {
      // the addon deletes the pair itself when a later step fails
      attach({
        bridge: p.bridge, netns: p.netns, hostVeth: p.hostVeth, ifname: p.ifname, address: p.address, prefix: p.prefix,
        ...(p.mac ? { mac: p.mac } : {}), ...(p.mtu ? { mtu: p.mtu } : {}), ...(p.gateway ? { gateway: p.gateway } : {}), hairpin: true,
      });
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown };
      const errno = typeof err.code === 'string' && /^E[A-Z0-9]+$/.test(err.code) ? `_${err.code}` : '';
      throw new RuntimeError(`E_NET_LINK${errno}`, `${what}: ${typeof err.message === 'string' ? err.message : String(e)}`, { cause: e });
    }
    return;
  }
  try {
    await execTool(`${what}: create veth ${p.hostVeth}`, ['ip', '-batch', '-'], planHostBatch(p));
    await execTool(`${what}: configure ${p.ifname} in ${p.netns}`, ['nsenter', `--net=${p.netns}`, 'ip', '-batch', '-'], planNetnsBatch(p));
  } catch (e) {
    // the pair may exist when the batch failed after its first line; deleting our end removes both
    await execRemoveVeth(p.hostVeth).catch(() => undefined);
    throw e;
  }
}

/**
 * Deleting the host end deletes the peer too; an end already gone (its netns died) is not an error.
 * The kernel tears a dying netns down asynchronously, so the link can vanish between lookup and delete:
 * RTNETLINK then answers ENODEV ("No such device"), which means the same thing.
 */
export function linkAlreadyGone(stderr: string): boolean {
  return /Cannot find device|does not exist|No such device/i.test(stderr);
}

export async function execRemoveVeth(hostVeth: string): Promise<void> {
  // Usually gone already (the container's netns died with it): no `ip` spawn then. A link still listed
  // can vanish before the delete, which linkAlreadyGone covers.
  if (!existsSync(`/sys/class/net/${hostVeth}`)) return;
  const r = await execToolRaw(['ip', 'link', 'del', hostVeth]);
  if (r.code !== 0 && !linkAlreadyGone(r.stderr)) {
    throw new RuntimeError('E_NET_TOOL', `remove veth ${hostVeth}: ${r.stderr.trim()}`);
  }
}
