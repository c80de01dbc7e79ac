/**
 * ContainerSpec + host facts → the OCI runtime-spec config.json the shim (or runc) runs. Pure: every fact
 * about the host or the image's files arrives in `facts`, so the result is a function of its inputs and is
 * golden-tested. Docker's defaults are the baseline; each Compose knob changes one part.
 */
import { RuntimeError } from '../errors.js';
import type { ContainerSpec, NamespaceMode } from '../types.js';
import { planCapabilities } from './capabilities.js';
import { DEFAULT_DEVICE_NODES, DEFAULT_DEVICE_RULES, MASKED_PATHS, READONLY_PATHS, planDefaultMounts, type OciDevice, type OciDeviceRule } from './linux-defaults.js';
import { planResources, planRlimits, planSysctls } from './limits.js';
import { dedupeMounts, parseTmpfs, planDevices, planEtcMounts, planUserMount, type HostDeviceFact } from './mounts-plan.js';
import { planArgs, planCwd, planEnv } from './process-plan.js';
import { renderSeccomp } from './seccomp-profile.js';
import { resolveUser } from './user.js';

export interface OciFacts {
  /** kernel machine name (x86_64, aarch64...) */
  arch: string;
  /** where the shim mounts the rootfs (B/rootfs) */
  rootfsPath: string;
  bundleDir: string;
  /** the cgroup path below the controllers' roots, e.g. /tscompose/<id> */
  cgroupsPath: string;
  /** the image's /etc/passwd and /etc/group ('' when absent) */
  passwd: string;
  group: string;
  /** capabilities the host can grant (its bounding set); undefined: all known */
  hostCapabilities?: string[];
  /** inherited hard rlimits by OCI name (RLIMIT_NOFILE...) and whether we can raise them */
  hostRlimitsHard: Record<string, number>;
  canRaiseRlimits: boolean;
  /** stat of each host path named in `devices:` (undefined: missing) */
  devices: Record<string, HostDeviceFact | undefined>;
  /** privileged: every device node of the host */
  hostDevices?: OciDevice[];
  /** namespace files of containers joined via container:<x> (caller resolved them to /proc/<pid>/ns/...) */
  joinNamespaces: { network?: string; pid?: string; ipc?: string };
  /** `init: true` under runtime runc: the (static) shim binary, bind-mounted as the container's init */
  initBinary?: string;
}

/** Where an `init: true` container run by runc finds its init (docker's path for docker-init). */
export const RUNC_INIT_PATH = '/sbin/docker-init';

type NsType = 'pid' | 'network' | 'ipc' | 'uts' | 'mount' | 'cgroup';

function planNamespace(type: NsType, mode: NamespaceMode | undefined, join: string | undefined): Array<{ type: NsType; path?: string }> {
  const m = mode ?? { mode: 'private' };
  if (m.mode === 'host') return [];
  if (m.mode === 'container') {
    if (!join) throw new RuntimeError('E_SPEC_NAMESPACE', `${type} namespace: container "${m.container}" is not running`);
    return [{ type, path: join }];
  }
  return [{ type }]; // private, or none (a fresh netns with only lo)
}

function securityOptions(opts: string[] | undefined): { noNewPrivileges: boolean; seccompUnconfined: boolean } {
  let noNewPrivileges = false;
  let seccompUnconfined = false;
  for (const raw of opts ?? []) {
    const o = raw.trim();
    const [key, value] = o.includes('=') ? o.split(/=(.*)/s) as [string, string] : o.split(/:(.*)/s) as [string, string | undefined];
    if (key === 'no-new-privileges') {
      if (value === undefined || value === '' || value === 'true') noNewPrivileges = true;
      else if (value === 'false') noNewPrivileges = false;
      else throw new RuntimeError('E_SPEC_SECURITY_OPT', `security_opt "${raw}": invalid value`);
    } else if (key === 'seccomp') {
      if (value === 'unconfined') seccompUnconfined = true;
      else throw new RuntimeError('E_SPEC_SECURITY_OPT', `security_opt "${raw}": only seccomp=unconfined or the default profile are supported`);
    } else if (key === 'label' || key === 'apparmor') {
      // SELinux/AppArmor: not used on this host; accepted so Compose files written for docker still load
    } else {
      throw new RuntimeError('E_SPEC_SECURITY_OPT', `security_opt "${raw}": unknown option`);
    }
  }
  return { noNewPrivileges, seccompUnconfined };
}

export function buildOciConfig(spec: ContainerSpec, facts: OciFacts): Record<string, unknown> {
  try {
    return buildUnchecked(spec, facts);
  } catch (e) {
    if (e instanceof RuntimeError) throw e.withContext(`create container "${spec.name}"`);
    throw e;
  }
}

function buildUnchecked(spec: ContainerSpec, facts: OciFacts): Record<string, unknown> {
  const privileged = spec.privileged ?? false;
  const sec = securityOptions(spec.securityOpt);
  const caps = planCapabilities({ privileged, capAdd: spec.capAdd, capDrop: spec.capDrop }, facts.hostCapabilities);
  const user = resolveUser(spec.user ?? spec.image.user, spec.groupAdd, facts.passwd, facts.group);
  const sharedUts = spec.network?.mode === 'host';
  const hostname = sharedUts ? '' : spec.hostname ?? spec.id.slice(0, 12);
  const netMode = spec.network?.mode ?? 'private';
  const ipcMode = spec.ipc?.mode ?? 'private';

  const namespaces = [
    ...planNamespace('pid', spec.pid, facts.joinNamespaces.pid),
    ...planNamespace('network', spec.network, facts.joinNamespaces.network),
    ...planNamespace('ipc', spec.ipc, facts.joinNamespaces.ipc),
    ...(sharedUts ? [] : [{ type: 'uts' as const }]),
    { type: 'mount' as const },
    { type: 'cgroup' as const },
  ];

  const devices = planDevices(spec.devices, facts.devices);
  const deviceNodes: OciDevice[] = privileged ? facts.hostDevices ?? [] : [...DEFAULT_DEVICE_NODES, ...devices.nodes];
  const deviceRules: OciDeviceRule[] = privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICE_RULES, ...devices.rules];

  // runc has no init of its own: as docker does with docker-init, the init binary is bound in read-only and
  // runs the command (the shim runtime forks its own init inside the container instead)
  const runcInit = spec.init === true && spec.runtime === 'runc';
  if (runcInit && !facts.initBinary) throw new RuntimeError('E_SPEC_INIT', 'init: true under runtime runc needs the shim binary as init, and it was not found');
  const mounts = dedupeMounts([
    ...planDefaultMounts({ shmSize: spec.shmSize, privileged, ownIpc: ipcMode !== 'host' && ipcMode !== 'container' }),
    ...(spec.tmpfs ?? []).map(parseTmpfs),
    ...(spec.mounts ?? []).map(planUserMount),
    ...planEtcMounts(spec, facts.bundleDir),
    ...(runcInit ? [{ destination: RUNC_INIT_PATH, type: 'bind', source: facts.initBinary!, options: ['rbind', 'ro', 'nosuid', 'nodev'] }] : []),
  ]);

  const process: Record<string, unknown> = {
    terminal: spec.tty ?? false,
    user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? { additionalGids: user.additionalGids } : {}) },
    args: runcInit ? [RUNC_INIT_PATH, 'init', '--', ...planArgs(spec)] : planArgs(spec),
    env: planEnv(spec, hostname || 'localhost', user.home),
    cwd: planCwd(spec),
    capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
    rlimits: planRlimits(spec.ulimits, facts.hostRlimitsHard, facts.canRaiseRlimits),
    noNewPrivileges: sec.noNewPrivileges,
  };
  if (spec.oomScoreAdj !== undefined) {
    if (!Number.isInteger(spec.oomScoreAdj) || spec.oomScoreAdj < -1000 || spec.oomScoreAdj > 1000) throw new RuntimeError('E_SPEC_OOM_SCORE', `oom_score_adj ${spec.oomScoreAdj} is out of range -1000..1000`);
    process.oomScoreAdj = spec.oomScoreAdj;
  }

  const linux: Record<string, unknown> = {
    namespaces,
    resources: { devices: deviceRules, ...planResources(spec) },
    cgroupsPath: facts.cgroupsPath,
    sysctl: planSysctls(spec.sysctls, { hostNetwork: netMode === 'host', hostIpc: ipcMode === 'host' }),
    devices: deviceNodes,
    rootfsPropagation: 'rprivate',
  };
  if (!privileged) {
    linux.maskedPaths = MASKED_PATHS;
    linux.readonlyPaths = READONLY_PATHS;
    if (!sec.seccompUnconfined) linux.seccomp = renderSeccomp(caps, facts.arch);
  }

  const config: Record<string, unknown> = {
    ociVersion: '1.0.2',
    process,
    root: { path: facts.rootfsPath, readonly: spec.readOnly ?? false },
    hostname,
    mounts,
    linux,
  };
  if (spec.domainname) config.domainname = spec.domainname;
  return config;
}
