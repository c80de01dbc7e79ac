/** Collects the host and image facts buildOciConfig needs (effects: reads /proc, /dev and the image's /etc). */
import { accessSync, constants, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { ContainerSpec } from '../types.js';
import type { BundlePaths } from './bundle.js';
import { capabilitiesInMask } from './capabilities.js';
import { cgroupsPathFor } from './cgroup-paths.js';
import type { OciDevice } from './linux-defaults.js';
import type { HostDeviceFact } from './mounts-plan.js';
import type { OciFacts } from './oci-spec.js';
import { resolveInRoot } from './path-safety.js';
import { kernelArch } from './seccomp-profile.js';
import { shimPath } from '../sys/native.js';

/** Reads /etc/<name> from the topmost layer that has it (layers are listed topmost first). */
export function readImageFile(lowerDirs: string[], name: string): string {
  for (const layer of lowerDirs) {
    try {
      return readFileSync(resolveInRoot(layer, name), 'utf8');
    } catch { /* not in this layer */ }
  }
  return '';
}

const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU', 'Max file size': 'RLIMIT_FSIZE', 'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK', 'Max core file size': 'RLIMIT_CORE', 'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC', 'Max open files': 'RLIMIT_NOFILE', 'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS', 'Max file locks': 'RLIMIT_LOCKS', 'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE', 'Max nice priority': 'RLIMIT_NICE', 'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Pure: /proc/<pid>/limits → hard limits by OCI name ("unlimited" → MAX_SAFE_INTEGER). */
export function parseProcLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n').slice(1)) {
    const name = Object.keys(LIMIT_NAMES).find((n) => line.startsWith(n));
    if (!name) continue;
    const fields = line.slice(name.length).trim().split(/\s+/);
    const hard = fields[1];
    out[LIMIT_NAMES[name]!] = hard === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(hard);
  }
  return out;
}

function capMask(status: string, field: string): bigint {
  const m = new RegExp(`^${field}:\\s*([0-9a-f]+)`, 'm').exec(status);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

function deviceFact(st: Stats): HostDeviceFact | undefined {
  if (!st.isCharacterDevice() && !st.isBlockDevice()) return undefined;
  const rdev = st.rdev;
  const major = ((rdev >> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
  const minor = (rdev & 0xff) | ((rdev >> 12) & ~0xff & 0xfffff);
  return { type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: st.mode, uid: st.uid, gid: st.gid };
}

function scanHostDevices(dir = '/dev', out: OciDevice[] = []): OciDevice[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (p === '/dev/pts' || p === '/dev/shm' || p === '/dev/mqueue' || p === '/dev/console' || p === '/dev/ptmx') continue;
    let st: Stats;
    try { st = statSync(p, { throwIfNoEntry: false } as never) as Stats; } catch { continue; }
    if (!st) continue;
    if (st.isDirectory()) { try { scanHostDevices(p, out); } catch { /* unreadable */ } continue; }
    const f = deviceFact(st);
    if (f) out.push({ path: p, type: f.type, major: f.major, minor: f.minor, fileMode: f.fileMode & 0o7777, uid: f.uid, gid: f.gid });
  }
  return out;
}

export function collectOciFacts(spec: ContainerSpec, b: BundlePaths, joinNamespaces: OciFacts['joinNamespaces']): OciFacts {
  const status = readFileSync('/proc/self/status', 'utf8');
  const devices: OciFacts['devices'] = {};
  for (const d of spec.devices ?? []) {
    try { devices[d.host] = deviceFact(statSync(d.host)); } catch { devices[d.host] = undefined; }
  }
  return {
    arch: kernelArch(process.arch),
    rootfsPath: b.rootfs,
    bundleDir: b.dir,
    cgroupsPath: cgroupsPathFor(spec.id),
    passwd: readImageFile(spec.image.lowerDirs, '/etc/passwd'),
    group: readImageFile(spec.image.lowerDirs, '/etc/group'),
    hostCapabilities: capabilitiesInMask(capMask(status, 'CapBnd')),
    hostRlimitsHard: parseProcLimits(readFileSync('/proc/self/limits', 'utf8')),
    canRaiseRlimits: ((capMask(status, 'CapEff') >> 24n) & 1n) === 1n,
    devices,
    hostDevices: spec.privileged ? scanHostDevices() : undefined,
    joinNamespaces,
    ...(spec.init === true && spec.runtime === 'runc' ? { initBinary: shimPath() } : {}),
  };
}

/** runc's absolute path from PATH (plus the sbin dirs a non-login root shell may lack), undefined if absent. */
export function collectRuncPath(envPath = process.env.PATH ?? ''): string | undefined {
  const dirs = [...envPath.split(':').filter((d) => d.startsWith('/')), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    const p = path.join(d, 'runc');
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return undefined;
}
