/**
 * Linux capabilities as Docker grants them: 14 by default (CapEff 00000000a80425fb), cap_add/cap_drop by name
 * with or without the CAP_ prefix, "ALL" in either list, and privileged = every capability the host can give.
 */
import { RuntimeError } from '../errors.js';

/** Capability numbers from linux/capability.h, in order. */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** Docker's default set (moby oci/caps/defaults). */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

function normalize(name: string, ctx: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!(CAPABILITY_NAMES as readonly string[]).includes(full)) {
    throw new RuntimeError('E_SPEC_CAPABILITY', `${ctx}: unknown capability "${name}"`);
  }
  return full;
}

/** Pure: the capability bitmask as /proc/<pid>/status prints it (CapEff). */
export function capabilityMask(caps: string[]): bigint {
  let mask = 0n;
  for (const c of caps) {
    const n = (CAPABILITY_NAMES as readonly string[]).indexOf(c);
    if (n >= 0) mask |= 1n << BigInt(n);
  }
  return mask;
}

/** Pure: capability names whose bit is set in a mask (e.g. the host's CapBnd). */
export function capabilitiesInMask(mask: bigint): string[] {
  return CAPABILITY_NAMES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

/**
 * Pure: the container's capability set, in CAPABILITY_NAMES order. `hostBounding` limits what can be granted
 * (this host lacks CAP_SYS_RESOURCE in its bounding set; asking for it would make capset fail).
 * Docker's order: adds are applied, then drops win (cap_drop: ALL + cap_add: X gives just X).
 */
export function planCapabilities(
  opts: { privileged?: boolean; capAdd?: string[]; capDrop?: string[] },
  hostBounding: string[] | undefined,
): string[] {
  const all = hostBounding ?? [...CAPABILITY_NAMES];
  if (opts.privileged) return CAPABILITY_NAMES.filter((c) => all.includes(c));
  const adds = (opts.capAdd ?? []).map((c) => normalize(c, 'cap_add'));
  const drops = (opts.capDrop ?? []).map((c) => normalize(c, 'cap_drop'));
  let set = new Set<string>(DEFAULT_CAPABILITIES);
  if (drops.includes('ALL')) set = new Set();
  else for (const d of drops) set.delete(d);
  if (adds.includes('ALL')) for (const c of CAPABILITY_NAMES) set.add(c);
  else for (const a of adds) set.add(a);
  // an explicit drop of a named cap beats cap_add: ALL (docker: "drop wins unless explicitly added")
  if (adds.includes('ALL')) for (const d of drops) if (d !== 'ALL') set.delete(d);
  const missing = [...set].filter((c) => !all.includes(c) && adds.includes(c));
  if (missing.length > 0) {
    throw new RuntimeError('E_SPEC_CAPABILITY', `cap_add: ${missing.join(', ')} not available on this host (missing from the bounding set)`);
  }
  return CAPABILITY_NAMES.filter((c) => set.has(c) && all.includes(c));
}
