/**
 * User-visible mounts: binds and volumes (rbind + propagation, ro), tmpfs from `tmpfs:` and `mounts:`, the
 * /etc/hosts, /etc/resolv.conf and /etc/hostname binds, and `devices:` nodes with their cgroup rules. Pure.
 */
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import type { ContainerSpec, DeviceSpec, MountSpec } from '../types.js';
import type { OciDevice, OciDeviceRule, OciMount } from './linux-defaults.js';

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

function checkTarget(target: string, what: string): string {
  if (!target.startsWith('/')) throw new RuntimeError('E_SPEC_MOUNT', `${what}: target "${target}" must be an absolute path`);
  const norm = path.posix.normalize(target);
  if (norm === '/') throw new RuntimeError('E_SPEC_MOUNT', `${what}: cannot mount over the container's root`);
  return norm.replace(/\/$/, '');
}

/** Compose short form: "/run", "/run:size=64m,mode=1777,uid=1000". Docker's tmpfs defaults are noexec,nosuid,nodev. */
export function parseTmpfs(entry: string): OciMount {
  const colon = entry.indexOf(':');
  const target = checkTarget(colon < 0 ? entry : entry.slice(0, colon), `tmpfs "${entry}"`);
  const extra = colon < 0 ? [] : entry.slice(colon + 1).split(',').map((o) => o.trim()).filter(Boolean);
  return { destination: target, type: 'tmpfs', source: 'tmpfs', options: mergeOptions(['noexec', 'nosuid', 'nodev'], extra) };
}

/** Later options override earlier ones of the same key (exec over noexec, size= over size=). */
function mergeOptions(base: string[], extra: string[]): string[] {
  const keyOf = (o: string): string => {
    const k = o.split('=')[0]!;
    return k.replace(/^no(?=(exec|suid|dev|atime|diratime)$)/, '');
  };
  const map = new Map<string, string>();
  for (const o of [...base, ...extra]) map.set(keyOf(o), o);
  return [...map.values()];
}

export function planUserMount(m: MountSpec): OciMount {
  const what = `mount ${m.source ?? m.type}:${m.target}`;
  const destination = checkTarget(m.target, what);
  if (m.type === 'tmpfs') {
    const opts = ['nosuid', 'nodev', 'noexec'];
    if (m.tmpfsSize) opts.push(`size=${m.tmpfsSize}`);
    if (m.tmpfsMode !== undefined) opts.push(`mode=${m.tmpfsMode.toString(8).padStart(4, '0')}`);
    if (m.readOnly) opts.push('ro');
    return { destination, type: 'tmpfs', source: 'tmpfs', options: mergeOptions(opts, m.options ?? []) };
  }
  if (!m.source || !m.source.startsWith('/')) throw new RuntimeError('E_SPEC_MOUNT', `${what}: source must be an absolute host path`);
  const prop = m.propagation ?? 'rprivate';
  if (!PROPAGATIONS.includes(prop)) throw new RuntimeError('E_SPEC_MOUNT', `${what}: invalid propagation "${prop}"`);
  const opts = ['rbind', prop];
  if (m.readOnly) opts.push('ro');
  return { destination, type: 'bind', source: m.source, options: [...opts, ...(m.options ?? [])] };
}

/** Binds for /etc/hosts, /etc/resolv.conf, /etc/hostname: from a host path, or the file create writes in the bundle. */
export function planEtcMounts(spec: ContainerSpec, bundleDir: string): OciMount[] {
  const out: OciMount[] = [];
  const rows: Array<[keyof ContainerSpec, string, string]> = [
    ['hostsFile', '/etc/hosts', 'hosts'],
    ['resolvConf', '/etc/resolv.conf', 'resolv.conf'],
    ['hostnameFile', '/etc/hostname', 'hostname'],
  ];
  for (const [key, destination, file] of rows) {
    const src = spec[key] as { content?: string; path?: string } | undefined;
    if (!src) continue;
    const source = src.path ?? path.join(bundleDir, file);
    out.push({ destination, type: 'bind', source, options: ['rbind', 'rprivate', ...(spec.readOnly ? ['ro'] : [])] });
  }
  return out;
}

export interface HostDeviceFact { type: 'c' | 'b'; major: number; minor: number; fileMode: number; uid: number; gid: number }

/** `devices:` entries: nodes made in the container plus their cgroup allow rule. Unknown host devices are refused. */
export function planDevices(devices: DeviceSpec[] | undefined, facts: Record<string, HostDeviceFact | undefined>): { nodes: OciDevice[]; rules: OciDeviceRule[] } {
  const nodes: OciDevice[] = [];
  const rules: OciDeviceRule[] = [];
  for (const d of devices ?? []) {
    const fact = facts[d.host];
    if (!fact) throw new RuntimeError('E_SPEC_DEVICE', `device ${d.host}: no such device on the host`);
    const access = d.permissions ?? 'rwm';
    if (!/^[rwm]{1,3}$/.test(access)) throw new RuntimeError('E_SPEC_DEVICE', `device ${d.host}: invalid permissions "${access}"`);
    const target = checkTarget(d.container ?? d.host, `device ${d.host}`);
    nodes.push({ path: target, type: fact.type, major: fact.major, minor: fact.minor, fileMode: fact.fileMode & 0o7777, uid: fact.uid, gid: fact.gid });
    rules.push({ allow: true, type: fact.type, major: fact.major, minor: fact.minor, access });
  }
  return { nodes, rules };
}

/** Later mounts of the same destination replace earlier ones (a user bind on /dev/shm beats the default). */
export function dedupeMounts(mounts: OciMount[]): OciMount[] {
  const last = new Map<string, number>();
  mounts.forEach((m, i) => last.set(m.destination, i));
  return mounts.filter((m, i) => last.get(m.destination) === i);
}
