/**
 * The filesystem a Docker container sees before any user mount: default mounts, masked and read-only /proc and
 * /sys paths, default device nodes and the device cgroup rules. Values follow moby's oci defaults and runc's
 * allowed-device list; kept as tables so a difference from Docker is a one-line change.
 */

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface OciDevice {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access: string;
}

/** Hidden: replaced by /dev/null (files) or an empty read-only tmpfs (dirs). */
export const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** Pure: the mounts every container gets, before user mounts. */
export function planDefaultMounts(opts: { shmSize?: number; privileged?: boolean; ownIpc: boolean }): OciMount[] {
  const sysRo = opts.privileged ? [] : ['ro'];
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...sysRo] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', ...sysRo] },
  ];
  // /dev/mqueue and /dev/shm belong to the IPC namespace: a container joining another's IPC gets that one's
  // through the bind the shim makes of the owner's /dev/shm, not a fresh tmpfs (docker's shareable ipc).
  if (opts.ownIpc) {
    mounts.push({ destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] });
    mounts.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${opts.shmSize ?? DEFAULT_SHM_SIZE}`] });
  }
  return mounts;
}

/** Nodes created in the container's /dev tmpfs. /dev/console and /dev/ptmx are set up by the shim (pty, symlink). */
export const DEFAULT_DEVICE_NODES: OciDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

/**
 * Device cgroup: deny everything, then allow mknod of any node (CAP_MKNOD is granted, so images can still
 * create nodes — opening them is what the cgroup refuses), the default nodes, console, ptmx and the pts range.
 */
export const DEFAULT_DEVICE_RULES: OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
  // fuse (10:229) stays closed by the deny-all above unless `devices:` names it. No explicit deny rule: on v1
  // the kernel ignores one that punches into `c *:* m`, and runc refuses the same config for it.
];
