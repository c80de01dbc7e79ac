/**
 * planContainerSpec (pure): what the runtime is asked to run for one replica of a Compose service. The
 * executor resolves everything that needs the host first (image facts, volume dirs, the resolver address)
 * and passes it in, so the mapping from Compose keys to ContainerSpec fields is testable against goldens.
 */
import type { ContainerSpec, FileSource, HealthcheckSpec, ImageFacts, MountSpec, NamespaceMode, UlimitSpec } from '../../runtime/index.js';
import type { HealthCheckConfig, Project, ServiceConfig } from '../compose/types.js';
import { parseDuration } from '../compose/canonical/durations.js';
import { parseBytes } from '../compose/canonical/bytes.js';
import path from 'node:path';
import { UserError } from '../errors.js';
import { containerName, dependsOnLabel, serviceLabels, type LabelContext } from './labels.js';

export interface SpecInput {
  project: Project;
  service: ServiceConfig;
  /** 64 lowercase hex */
  id: string;
  number: number;
  image: ImageFacts;
  labels: LabelContext;
  configHash: string;
  imageDigest?: string;
  /** volume-type mounts: container target → host dir (named volumes, anonymous ones and the image's VOLUMEs), resolved by the caller */
  volumeDirs: Record<string, string>;
  /** /etc/resolv.conf and /etc/hosts: content, or the file of the container whose network is joined */
  resolvConf?: string | FileSource;
  hostsFile?: string | FileSource;
  /** volumes_from: the source containers' mounts, resolved by the caller (planVolumesFromMounts) */
  volumesFrom?: MountSpec[];
  /** secrets and configs: files the caller wrote, bound read-only at their targets */
  fileMounts?: MountSpec[];
  /** network_mode service:/container: takes the joined container's hostname and domainname, as docker does */
  sharedUts?: { hostname: string; domainname?: string };
  /** the final name when it differs from the planned one (a recreate creates `<old id>_<name>` first) */
  name?: string;
}

const ms = (d: string | undefined, what: string, dflt?: number): number | undefined => {
  if (d === undefined) return dflt;
  const ns = parseDuration(d);
  if (ns === undefined) throw new UserError('E_SPEC_DURATION', `${what}: invalid duration "${d}"`);
  return Math.round(ns / 1e6);
};

export function planContainerSpec(i: SpecInput): ContainerSpec {
  const s = i.service;
  const name = i.name ?? containerName(i.project.name, s.name, i.number, s.container_name);
  const what = `service "${s.name}"`;
  const limits = s.deploy?.resources?.limits;
  const spec: ContainerSpec = {
    id: i.id,
    name,
    labels: {
      ...(s.labels ?? {}),
      ...serviceLabels(i.labels, s.name, {
        number: i.number, configHash: i.configHash, imageDigest: i.imageDigest,
        dependsOn: s.depends_on ? dependsOnLabel(s.depends_on) : '',
      }),
    },
    image: i.image,
    env: Object.entries(s.environment ?? {}).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`),
    hostname: i.sharedUts?.hostname ?? s.hostname ?? i.id.slice(0, 12),
    restart: planRestart(s, what),
    healthcheck: planHealthcheckSpec(s.healthcheck, i.image.healthcheck, what),
    network: planNamespace(i.project, s.network_mode, 'network_mode', what),
    pid: planNamespace(i.project, s.pid, 'pid', what),
    ipc: planNamespace(i.project, s.ipc, 'ipc', what),
    // volumes_from first: the service's own mounts on the same target win (the runtime keeps the last one)
    mounts: [...(i.volumesFrom ?? []), ...planMounts(s, i.image, i.volumeDirs, what), ...(i.fileMounts ?? [])],
  };
  const opt = <K extends keyof ContainerSpec>(key: K, value: ContainerSpec[K] | undefined) => { if (value !== undefined) spec[key] = value; };
  // `command: []`/`entrypoint: []` clear the image's; null (absent in the file) keeps it
  opt('command', s.command ?? undefined);
  opt('entrypoint', s.entrypoint ?? undefined);
  opt('workingDir', s.working_dir);
  opt('user', s.user);
  opt('groupAdd', s.group_add);
  opt('domainname', i.sharedUts ? i.sharedUts.domainname : s.domainname);
  opt('tty', s.tty);
  opt('stdinOpen', s.stdin_open);
  opt('init', s.init);
  opt('stopSignal', s.stop_signal);
  opt('stopGracePeriodMs', ms(s.stop_grace_period, `${what}: stop_grace_period`));
  opt('privileged', s.privileged);
  opt('capAdd', s.cap_add);
  opt('capDrop', s.cap_drop);
  opt('securityOpt', s.security_opt);
  opt('readOnly', s.read_only);
  opt('tmpfs', s.tmpfs);
  opt('devices', s.devices?.map((d) => ({ host: d.source, container: d.target ?? d.source, permissions: d.permissions ?? 'rwm' })));
  opt('shmSize', s.shm_size);
  opt('sysctls', s.sysctls);
  opt('ulimits', s.ulimits ? Object.fromEntries(Object.entries(s.ulimits).map(([k, u]): [string, UlimitSpec] => [k, typeof u === 'number' ? { soft: u, hard: u } : u])) : undefined);
  opt('memLimit', s.mem_limit ?? limits?.memory);
  opt('memswapLimit', s.memswap_limit);
  opt('memReservation', s.mem_reservation ?? s.deploy?.resources?.reservations?.memory);
  opt('cpus', s.cpus ?? limits?.cpus);
  opt('cpuShares', s.cpu_shares);
  opt('cpuQuota', s.cpu_quota);
  opt('cpuPeriod', s.cpu_period);
  opt('cpuset', s.cpuset);
  opt('pidsLimit', s.pids_limit ?? limits?.pids);
  opt('oomScoreAdj', s.oom_score_adj);
  opt('oomKillDisable', s.oom_kill_disable);
  opt('logging', planLogging(s, what));
  opt('runtime', planRuntimeName(s.runtime, what));
  if (i.resolvConf !== undefined) spec.resolvConf = typeof i.resolvConf === 'string' ? { content: i.resolvConf } : i.resolvConf;
  if (i.hostsFile !== undefined) spec.hostsFile = typeof i.hostsFile === 'string' ? { content: i.hostsFile } : i.hostsFile;
  return spec;
}

/** `restart:` wins; else deploy.restart_policy (none → no, any → always); default no. */
export function planRestart(s: ServiceConfig, what: string): ContainerSpec['restart'] {
  const r = s.restart;
  if (r !== undefined) {
    const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(r);
    if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) throw new UserError('E_SPEC_RESTART', `${what}: invalid restart policy "${r}"`, { hint: 'use no, always, unless-stopped or on-failure[:max-retries]' });
    return { policy: m[1] as 'no', ...(m[2] !== undefined ? { maxRetries: Number(m[2]) } : {}) };
  }
  const p = s.deploy?.restart_policy;
  if (!p) return { policy: 'no' };
  const policy = p.condition === 'none' ? 'no' : p.condition === 'on-failure' ? 'on-failure' : 'always';
  return { policy, ...(policy === 'on-failure' && p.max_attempts !== undefined ? { maxRetries: p.max_attempts } : {}) };
}

/**
 * The service's healthcheck over the image's: `disable: true` (or test NONE) turns it off; fields the
 * service leaves out come from the image's, then Docker's defaults. undefined: the image's as is.
 */
export function planHealthcheckSpec(h: HealthCheckConfig | undefined, image: HealthcheckSpec | null, what: string): HealthcheckSpec | null | undefined {
  if (!h) return undefined;
  if (h.disable || h.test?.[0] === 'NONE') return { test: ['NONE'], intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0, startIntervalMs: 0 };
  const test = h.test ?? image?.test;
  if (!test || test.length === 0) return null;
  const w = `${what}: healthcheck`;
  return {
    test,
    intervalMs: ms(h.interval, `${w}.interval`) ?? image?.intervalMs ?? 30_000,
    timeoutMs: ms(h.timeout, `${w}.timeout`) ?? image?.timeoutMs ?? 30_000,
    retries: h.retries ?? image?.retries ?? 3,
    startPeriodMs: ms(h.start_period, `${w}.start_period`) ?? image?.startPeriodMs ?? 0,
    startIntervalMs: ms(h.start_interval, `${w}.start_interval`) ?? image?.startIntervalMs ?? 5_000,
  };
}

/** host, none, service:<name> (its first replica), container:<name>; private otherwise. */
export function planNamespace(project: Project, mode: string | undefined, key: string, what: string): NamespaceMode {
  if (!mode || mode === 'bridge' || mode === 'private' || mode === 'shareable' || mode === 'default') return { mode: 'private' };
  if (mode === 'host') return { mode: 'host' };
  if (mode === 'none' && key === 'network_mode') return { mode: 'none' };
  const m = /^(service|container):(.+)$/.exec(mode);
  if (m && m[1] === 'container') return { mode: 'container', container: m[2]! };
  if (m) {
    const parent = project.services[m[2]!];
    if (!parent) throw new UserError('E_SPEC_NAMESPACE', `${what}: ${key} refers to undefined service "${m[2]}"`);
    return { mode: 'container', container: containerName(project.name, parent.name, 1, parent.container_name) };
  }
  throw new UserError('E_SPEC_NAMESPACE', `${what}: ${key} "${mode}" is not supported`);
}

function planMounts(s: ServiceConfig, image: ImageFacts, volumeDirs: Record<string, string>, what: string): MountSpec[] {
  const out: MountSpec[] = [];
  for (const target of planImageVolumeTargets(s, image)) {
    const dir = volumeDirs[target];
    if (!dir) throw new UserError('E_SPEC_MOUNT', `${what}: the image's volume ${target} was not resolved`);
    out.push({ type: 'volume', source: dir, target });
  }
  for (const v of s.volumes ?? []) {
    const ro = v.read_only ? { readOnly: true } : {};
    if (v.type === 'bind') {
      if (!v.source) throw new UserError('E_SPEC_MOUNT', `${what}: bind mount on ${v.target} has no source`);
      out.push({ type: 'bind', source: v.source, target: v.target, ...ro, ...(v.bind?.propagation ? { propagation: v.bind.propagation } : {}) });
    } else if (v.type === 'volume') {
      const dir = volumeDirs[v.target];
      if (!dir) throw new UserError('E_SPEC_MOUNT', `${what}: volume on ${v.target} was not resolved`);
      out.push({ type: 'volume', source: dir, target: v.target, ...ro });
    } else if (v.type === 'tmpfs') {
      out.push({ type: 'tmpfs', target: v.target, ...ro, ...(v.tmpfs?.size !== undefined ? { tmpfsSize: v.tmpfs.size } : {}), ...(v.tmpfs?.mode !== undefined ? { tmpfsMode: v.tmpfs.mode } : {}) });
    } else {
      throw new UserError('E_SPEC_MOUNT', `${what}: volume type "${v.type}" on ${v.target} is not supported yet`);
    }
  }
  return out;
}

const normTarget = (t: string) => path.posix.normalize(t).replace(/(.)\/$/, '$1');

/**
 * The image's VOLUME paths that get an anonymous volume: those the service mounts nothing on (volumes,
 * tmpfs, or `taken`: what volumes_from brings), as the engine does. Listed first, so a mount of the service
 * below one of them lands inside it.
 */
export function planImageVolumeTargets(s: ServiceConfig, image: ImageFacts, taken: string[] = []): string[] {
  const mounted = new Set([
    ...(s.volumes ?? []).map((v) => normTarget(v.target)),
    ...(s.tmpfs ?? []).map((t) => normTarget(t.split(':')[0]!)),
    ...taken.map(normTarget),
  ]);
  return [...new Set((image.volumes ?? []).map(normTarget))].filter((t) => !mounted.has(t)).sort();
}

export interface VolumesFromSource {
  entry: string;
  /** the container whose mounts are taken (a service's first replica, as docker compose) */
  container: string;
  /** ro / rw forces every mount's mode; absent keeps each one's */
  mode?: 'ro' | 'rw';
}

/** `svc`, `svc:ro`, `container:name`, `container:name:rw` → the container to take mounts from. */
export function planVolumesFromSources(project: Project, s: ServiceConfig): VolumesFromSource[] {
  const what = `service "${s.name}"`;
  return (s.volumes_from ?? []).map((entry) => {
    const parts = entry.split(':');
    const isContainer = parts[0] === 'container';
    const ref = isContainer ? parts[1] : parts[0];
    const mode = isContainer ? parts[2] : parts[1];
    if (!ref || (mode !== undefined && mode !== 'ro' && mode !== 'rw') || parts.length > (isContainer ? 3 : 2)) {
      throw new UserError('E_SPEC_VOLUMES_FROM', `${what}: volumes_from "${entry}" is not SERVICE[:ro|rw] or container:NAME[:ro|rw]`);
    }
    let container = ref;
    if (!isContainer) {
      const parent = project.services[ref];
      if (!parent) throw new UserError('E_SPEC_VOLUMES_FROM', `${what}: volumes_from refers to undefined service "${ref}"`);
      container = containerName(project.name, parent.name, 1, parent.container_name);
    }
    return { entry, container, ...(mode ? { mode: mode as 'ro' | 'rw' } : {}) };
  });
}

/** The source container's binds and volumes (not its tmpfs: those are its own), with the mode asked for. */
export function planVolumesFromMounts(mounts: Array<{ Type: string; Source: string; Destination: string; RW: boolean }>, mode?: 'ro' | 'rw'): MountSpec[] {
  return mounts.filter((m) => (m.Type === 'bind' || m.Type === 'volume') && m.Source !== '').map((m) => {
    const readOnly = mode ? mode === 'ro' : !m.RW;
    return { type: m.Type as 'bind' | 'volume', source: m.Source, target: m.Destination, ...(readOnly ? { readOnly: true } : {}) };
  });
}

/**
 * links (`svc`, `svc:alias`) and external_links (`container`, `container:alias`) as names only this
 * container resolves: a link to a service means all its replicas (its service name on the network).
 */
export function planLinks(s: ServiceConfig): Array<{ alias: string; target: string }> {
  const out: Array<{ alias: string; target: string }> = [];
  for (const raw of [...(s.links ?? []), ...(s.external_links ?? [])]) {
    const [target, alias] = raw.split(':') as [string, string | undefined];
    if (target) out.push({ alias: alias || target, target });
  }
  return out;
}

/** json-file/local options max-size and max-file; other drivers are refused rather than silently ignored. */
function planLogging(s: ServiceConfig, what: string): ContainerSpec['logging'] {
  const l = s.logging;
  if (!l) return undefined;
  if (l.driver && !['json-file', 'local'].includes(l.driver)) throw new UserError('E_SPEC_LOGGING', `${what}: logging driver "${l.driver}" is not supported (json-file only)`);
  const out: NonNullable<ContainerSpec['logging']> = {};
  const size = l.options?.['max-size'];
  if (size !== undefined) {
    const n = parseBytes(size);
    if (n === undefined) throw new UserError('E_SPEC_LOGGING', `${what}: logging.options.max-size "${size}" is not a size`);
    out.maxSize = n;
  }
  const files = l.options?.['max-file'];
  if (files !== undefined) {
    if (!/^\d+$/.test(files)) throw new UserError('E_SPEC_LOGGING', `${what}: logging.options.max-file "${files}" is not a number`);
    out.maxFile = Number(files);
  }
  return out;
}

/** `runtime:` picks who creates the container: absent → tscompose's own shim; runc → Debian's runc (the shim still monitors). */
export function planRuntimeName(runtime: string | undefined, what: string): ContainerSpec['runtime'] {
  if (runtime === undefined) return undefined;
  if (runtime === 'runc' || runtime === 'shim') return runtime;
  throw new UserError('E_SPEC_RUNTIME', `${what}: runtime "${runtime}" is not supported`, { hint: 'use runtime: runc, or leave it out for tscompose\'s own runtime' });
}
