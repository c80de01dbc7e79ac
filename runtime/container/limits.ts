/**
 * Kernel knobs that must be judged before the shim runs: namespaced sysctls only (as Docker validates them),
 * ulimits in range, cgroup resources converted to OCI units. Pure.
 */
import { RuntimeError } from '../errors.js';
import type { ContainerSpec, UlimitSpec } from '../types.js';

const IPC_SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** Pure: refuses a sysctl that would change the host rather than the container's namespace. */
export function planSysctls(sysctls: Record<string, string> | undefined, ns: { hostNetwork: boolean; hostIpc: boolean }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(sysctls ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const isIpc = IPC_SYSCTLS.includes(key) || key.startsWith('fs.mqueue.');
    const isNet = key.startsWith('net.');
    if (isIpc && ns.hostIpc) throw new RuntimeError('E_SPEC_SYSCTL', `sysctl "${key}" is not allowed when sharing the host's IPC namespace`);
    if (isNet && ns.hostNetwork) throw new RuntimeError('E_SPEC_SYSCTL', `sysctl "${key}" is not allowed in host network mode`);
    if (!isIpc && !isNet) throw new RuntimeError('E_SPEC_SYSCTL', `sysctl "${key}" is not namespaced: it would change the host`, { hint: 'only kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* and net.* can be set per container' });
    out[key] = String(value);
  }
  return out;
}

const RLIMITS: Record<string, string> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK', msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC', rss: 'RLIMIT_RSS', rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK', as: 'RLIMIT_AS',
};

export interface OciRlimit { type: string; soft: number; hard: number }

/**
 * Pure: ulimits as OCI rlimits. `hostHard` holds the hard limits the shim inherits; raising one above it needs
 * CAP_SYS_RESOURCE, which `canRaise` says whether the host has (this one does not: see runtime-facts).
 */
export function planRlimits(ulimits: Record<string, UlimitSpec> | undefined, hostHard: Record<string, number>, canRaise: boolean): OciRlimit[] {
  const out: OciRlimit[] = [];
  for (const [name, u] of Object.entries(ulimits ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const type = RLIMITS[name.toLowerCase()];
    if (!type) throw new RuntimeError('E_SPEC_ULIMIT', `ulimits: unknown limit "${name}"`);
    if (!Number.isInteger(u.soft) || !Number.isInteger(u.hard) || u.soft < -1 || u.hard < -1) throw new RuntimeError('E_SPEC_ULIMIT', `ulimits.${name}: soft and hard must be integers`);
    const max = hostHard[type];
    // -1 is "unlimited": as high as this host lets us go (JSON cannot carry RLIM_INFINITY exactly)
    const unlimited = !canRaise && max !== undefined ? max : Number.MAX_SAFE_INTEGER;
    const soft = u.soft === -1 ? unlimited : u.soft;
    const hard = u.hard === -1 ? unlimited : u.hard;
    if (soft > hard) throw new RuntimeError('E_SPEC_ULIMIT', `ulimits.${name}: soft limit ${u.soft} is above the hard limit ${u.hard}`);
    if (!canRaise && max !== undefined && hard > max) {
      throw new RuntimeError('E_SPEC_ULIMIT', `ulimits.${name}: hard limit ${u.hard} is above the host's ${max} and this host cannot raise it (no CAP_SYS_RESOURCE)`);
    }
    out.push({ type, soft, hard });
  }
  return out;
}

export interface OciResources {
  memory?: { limit?: number; reservation?: number; swap?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight: number };
}

const CPU_PERIOD = 100_000;

/** Pure: Compose resource knobs in OCI units (cpus → quota/period, memswap defaulting to twice mem as Docker does). */
export function planResources(s: ContainerSpec): OciResources {
  const r: OciResources = {};
  const memory: NonNullable<OciResources['memory']> = {};
  if (s.memLimit !== undefined && s.memLimit > 0) {
    if (s.memLimit < 6 * 1024 * 1024) throw new RuntimeError('E_SPEC_RESOURCES', `mem_limit ${s.memLimit} is below the minimum of 6MB`);
    memory.limit = s.memLimit;
    memory.swap = s.memswapLimit ?? s.memLimit * 2;
    if (memory.swap !== -1 && memory.swap < s.memLimit) throw new RuntimeError('E_SPEC_RESOURCES', 'memswap_limit must be at least mem_limit');
  } else if (s.memswapLimit !== undefined && s.memswapLimit !== -1) {
    throw new RuntimeError('E_SPEC_RESOURCES', 'memswap_limit needs mem_limit');
  }
  if (s.memReservation !== undefined && s.memReservation > 0) memory.reservation = s.memReservation;
  if (s.oomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length > 0) r.memory = memory;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (s.cpus !== undefined && s.cpus > 0) {
    if (s.cpuQuota !== undefined) throw new RuntimeError('E_SPEC_RESOURCES', 'cpus and cpu_quota cannot both be set');
    cpu.period = CPU_PERIOD;
    cpu.quota = Math.round(s.cpus * CPU_PERIOD);
  }
  if (s.cpuQuota !== undefined && s.cpuQuota > 0) { cpu.quota = s.cpuQuota; cpu.period = s.cpuPeriod ?? CPU_PERIOD; }
  else if (s.cpuPeriod !== undefined && cpu.period === undefined) cpu.period = s.cpuPeriod;
  if (s.cpuShares !== undefined && s.cpuShares > 0) cpu.shares = s.cpuShares;
  if (s.cpuset) cpu.cpus = s.cpuset;
  if (s.cpusetMems) cpu.mems = s.cpusetMems;
  if (Object.keys(cpu).length > 0) r.cpu = cpu;

  if (s.pidsLimit !== undefined && s.pidsLimit !== 0) r.pids = { limit: s.pidsLimit };
  if (s.blkioWeight !== undefined && s.blkioWeight > 0) {
    if (s.blkioWeight < 10 || s.blkioWeight > 1000) throw new RuntimeError('E_SPEC_RESOURCES', `blkio weight ${s.blkioWeight} is out of range 10–1000`);
    r.blockIO = { weight: s.blkioWeight };
  }
  return r;
}
