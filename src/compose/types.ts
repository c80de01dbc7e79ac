/**
 * The typed Project: what the loader hands to the rest of tscompose. Every Compose key appears in its
 * canonical long form and with the Compose Specification's field names, so `config --format json` is
 * this object serialised. Only the final `bind` stage produces these types; earlier stages work on a
 * plain tree (see load.ts).
 */

export type Extensions = { [key: `x-${string}`]: unknown };
export type Mapping = Record<string, string>;
/** environment entries: a key without a value (`- FOO`, `FOO:`) is null. */
export type MappingWithNull = Record<string, string | null>;

export interface BuildConfig extends Extensions {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: MappingWithNull;
  ssh?: string[] | Record<string, string | null>;
  labels?: Mapping;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: boolean;
  no_cache_filter?: string[];
  additional_contexts?: Mapping;
  network?: string;
  provenance?: string | boolean;
  sbom?: string | boolean;
  pull?: boolean;
  target?: string;
  shm_size?: number;
  extra_hosts?: string[];
  isolation?: string;
  privileged?: boolean;
  secrets?: ServiceFileReference[];
  tags?: string[];
  ulimits?: Record<string, Ulimit>;
  platforms?: string[];
  entitlements?: string[];
}

export interface PortConfig extends Extensions {
  name?: string;
  mode: 'ingress' | 'host' | string;
  host_ip?: string;
  target: number;
  /** a port or a range; a string as docker compose prints it */
  published?: string;
  protocol: 'tcp' | 'udp' | string;
  app_protocol?: string;
}

export interface ServiceVolumeConfig extends Extensions {
  type: 'bind' | 'volume' | 'tmpfs' | 'image' | 'npipe' | 'cluster';
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; recursive?: string; selinux?: 'z' | 'Z' };
  volume?: { nocopy?: boolean; subpath?: string; labels?: Mapping };
  tmpfs?: { size?: number; mode?: number };
  image?: { subpath?: string };
}

export interface DependsOnConfig extends Extensions {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart?: boolean;
}

export interface EnvFileConfig { path: string; required: boolean; format?: string }

export interface HealthCheckConfig extends Extensions {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

export type Ulimit = number | { soft: number; hard: number };

export interface ServiceNetworkConfig extends Extensions {
  aliases?: string[];
  interface_name?: string;
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  driver_opts?: Mapping;
  priority?: number;
  gw_priority?: number;
}

export interface ServiceFileReference extends Extensions {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number | string;
}

export interface DeviceMapping { source: string; target?: string; permissions?: string }

export interface ServiceHook { command: string[]; user?: string; privileged?: boolean; working_dir?: string; environment?: MappingWithNull; image?: string }

export interface LoggingConfig { driver?: string; options?: Mapping }

export interface DeployConfig extends Extensions {
  mode?: string;
  replicas?: number;
  labels?: Mapping;
  endpoint_mode?: string;
  update_config?: Record<string, unknown>;
  rollback_config?: Record<string, unknown>;
  resources?: {
    limits?: { cpus?: number; memory?: number; pids?: number };
    reservations?: { cpus?: number; memory?: number; devices?: Array<Record<string, unknown>>; generic_resources?: unknown[] };
  };
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  placement?: Record<string, unknown>;
}

/** One service, every key of the Compose Specification's service definition. */
export interface ServiceConfig extends Extensions {
  name: string;
  annotations?: Mapping;
  attach?: boolean;
  blkio_config?: Record<string, unknown>;
  build?: BuildConfig;
  cap_add?: string[];
  cap_drop?: string[];
  cgroup?: string;
  cgroup_parent?: string;
  command?: string[] | null;
  configs?: ServiceFileReference[];
  container_name?: string;
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number;
  cpu_quota?: number;
  cpu_rt_period?: string;
  cpu_rt_runtime?: string;
  cpu_shares?: number;
  cpus?: number;
  cpuset?: string;
  credential_spec?: Record<string, unknown>;
  depends_on?: Record<string, DependsOnConfig>;
  deploy?: DeployConfig;
  develop?: { watch?: Array<Record<string, unknown>> };
  device_cgroup_rules?: string[];
  devices?: DeviceMapping[];
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  domainname?: string;
  entrypoint?: string[] | null;
  env_file?: EnvFileConfig[];
  environment?: MappingWithNull;
  expose?: string[];
  extends?: { service: string; file?: string };
  external_links?: string[];
  extra_hosts?: string[];
  gpus?: Array<Record<string, unknown>>;
  group_add?: string[];
  healthcheck?: HealthCheckConfig;
  hostname?: string;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  label_file?: string[];
  labels?: Mapping;
  links?: string[];
  logging?: LoggingConfig;
  mac_address?: string;
  mem_limit?: number;
  mem_reservation?: number;
  mem_swappiness?: number;
  memswap_limit?: number;
  models?: Record<string, { endpoint_var?: string; model_var?: string } | null>;
  network_mode?: string;
  networks?: Record<string, ServiceNetworkConfig | null>;
  oom_kill_disable?: boolean;
  oom_score_adj?: number;
  pid?: string;
  pids_limit?: number;
  platform?: string;
  ports?: PortConfig[];
  post_start?: ServiceHook[];
  pre_start?: ServiceHook[];
  pre_stop?: ServiceHook[];
  privileged?: boolean;
  profiles?: string[];
  provider?: { type: string; options?: Record<string, unknown> };
  pull_policy?: string;
  pull_refresh_after?: string;
  read_only?: boolean;
  restart?: string;
  runtime?: string;
  scale?: number;
  secrets?: ServiceFileReference[];
  security_opt?: string[];
  shm_size?: number;
  stdin_open?: boolean;
  stop_grace_period?: string;
  stop_signal?: string;
  storage_opt?: Record<string, unknown>;
  sysctls?: Mapping;
  tmpfs?: string[];
  tty?: boolean;
  ulimits?: Record<string, Ulimit>;
  use_api_socket?: boolean;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volumes?: ServiceVolumeConfig[];
  volumes_from?: string[];
  working_dir?: string;
}

export interface NetworkConfig extends Extensions {
  name: string;
  driver?: string;
  driver_opts?: Mapping;
  ipam?: { driver?: string; config?: Array<Record<string, unknown>>; options?: Mapping };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  labels?: Mapping;
}

export interface VolumeConfig extends Extensions {
  name: string;
  driver?: string;
  driver_opts?: Mapping;
  external?: boolean;
  labels?: Mapping;
}

export interface FileObjectConfig extends Extensions {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Mapping;
  driver?: string;
  driver_opts?: Mapping;
  template_driver?: string;
}

export interface ModelConfig extends Extensions { name?: string; model: string; context_size?: number; runtime_flags?: string[] }

export interface Project {
  name: string;
  /** absolute project directory */
  workingDir: string;
  services: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  models: Record<string, ModelConfig>;
  /** x-* top-level extensions, kept verbatim */
  extensions: Record<string, unknown>;
  /** the project environment used for interpolation (OS env wins over .env files) */
  environment: Record<string, string>;
  /** absolute paths of the Compose files, in load order */
  configFiles: string[];
  /** services switched off by profiles, in canonical form */
  disabledServices: Record<string, ServiceConfig>;
  /** active profiles */
  profiles: string[];
  /** one line per problem the user should see (unset variables, ignored fields, obsolete version) */
  warnings: string[];
}
