/**
 * What the runtime is asked to run. The runtime knows containers, not Compose: the caller (src/reconcile)
 * resolves images and volumes into host paths and passes ownership as labels (`com.docker.compose.*`).
 * Sizes are bytes, durations milliseconds, unless a field says otherwise.
 */

/** Facts about the image the caller already resolved (from the image config and the snapshotter). */
export interface ImageFacts {
  /** Layer dirs, topmost FIRST (overlay lowerdir order). A single plain dir is allowed (tests, scratch rootfs). */
  lowerDirs: string[];
  /** lowerDirs[0] is used as the rootfs itself, no overlay and no upper dir (tests, scratch dirs). */
  plain?: boolean;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  user: string;
  workingDir: string;
  stopSignal: string | null;
  healthcheck: HealthcheckSpec | null;
  /** the image's VOLUME paths (each gets an anonymous volume unless the service mounts something there) */
  volumes?: string[];
}

export interface HealthcheckSpec {
  /** ["NONE"] disables; ["CMD", ...] or ["CMD-SHELL", "cmd"]. */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  startIntervalMs: number;
}

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind, or the volume's resolved data dir); unused for tmpfs. */
  source?: string;
  target: string;
  readOnly?: boolean;
  /** bind propagation: private|rprivate|shared|rshared|slave|rslave (default rprivate). */
  propagation?: string;
  /** tmpfs size in bytes (0/undefined: kernel default). */
  tmpfsSize?: number;
  /** tmpfs mode, e.g. 0o1777. */
  tmpfsMode?: number;
  /** volume nocopy etc. are the caller's business; extra raw mount options go here. */
  options?: string[];
}

export interface DeviceSpec {
  /** host path, e.g. /dev/fuse */
  host: string;
  /** path in the container (default: same as host) */
  container?: string;
  /** cgroup permissions, subset of "rwm" (default "rwm") */
  permissions?: string;
}

export interface UlimitSpec {
  soft: number;
  hard: number;
}

/** Joining another container's namespace, the host's, none (net only), or a private one (default). */
export type NamespaceMode =
  | { mode: 'private' }
  | { mode: 'host' }
  | { mode: 'none' }
  | { mode: 'container'; container: string };

export type RestartPolicyName = 'no' | 'always' | 'on-failure' | 'unless-stopped';

export interface FileSource {
  /** Written into the bundle by create, then bind-mounted. */
  content?: string;
  /** An existing host file bind-mounted as is. */
  path?: string;
}

export interface ContainerSpec {
  /** 64 lowercase hex */
  id: string;
  name: string;
  labels: Record<string, string>;
  image: ImageFacts;

  // process
  command?: string[] | null;
  entrypoint?: string[] | null;
  /** KEY=VALUE, applied over the image's env. */
  env?: string[];
  workingDir?: string;
  /** "user", "uid", "user:group", "uid:gid" (names resolved from the rootfs's /etc/passwd and /etc/group). */
  user?: string;
  groupAdd?: string[];
  hostname?: string;
  domainname?: string;
  tty?: boolean;
  stdinOpen?: boolean;
  /** with stdinOpen and no tty: the first stdin attach's EOF closes the container's stdin (docker's StdinOnce; `run`) */
  stdinOnce?: boolean;
  init?: boolean;
  stopSignal?: string;
  stopGracePeriodMs?: number;
  healthcheck?: HealthcheckSpec | null;

  // security
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** "no-new-privileges", "no-new-privileges:true", "seccomp=unconfined", "label=..." (ignored) */
  securityOpt?: string[];
  readOnly?: boolean;

  // filesystem
  /** "path" or "path:opts" (compose short form). */
  tmpfs?: string[];
  mounts?: MountSpec[];
  devices?: DeviceSpec[];
  shmSize?: number;

  // kernel knobs
  sysctls?: Record<string, string>;
  ulimits?: Record<string, UlimitSpec>;

  // resources
  memLimit?: number;
  /** total memory+swap; -1 unlimited */
  memswapLimit?: number;
  memReservation?: number;
  cpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuset?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
  oomScoreAdj?: number;
  oomKillDisable?: boolean;

  // lifecycle
  restart?: { policy: RestartPolicyName; maxRetries?: number };
  logging?: { maxSize?: number; maxFile?: number };

  // namespaces and network files
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  hostsFile?: FileSource;
  resolvConf?: FileSource;
  hostnameFile?: FileSource;

  runtime?: 'shim' | 'runc';
}

/** state.json as the shim writes it (see native/shim/PROTOCOL.md). */
export type ContainerStatus = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead';

export interface HealthResult {
  start: string;
  end: string;
  exitCode: number;
  output: string;
}

export interface HealthState {
  status: 'starting' | 'healthy' | 'unhealthy';
  failingStreak: number;
  log: HealthResult[];
}

export interface ShimState {
  id: string;
  status: ContainerStatus;
  pid: number;
  pidStartTime: number;
  shimPid: number;
  shimStartTime: number;
  exitCode: number | null;
  signal: number | null;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string | null;
  restartCount: number;
  stopRequested: boolean;
  error: string | null;
  health: HealthState | null;
}

/** One row of `list`: enough to match by labels and show `ps` without reading config.json. */
export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  status: ContainerStatus;
  state: ShimState | null;
  createdAt: string;
}
