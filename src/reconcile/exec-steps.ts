/**
 * How one plan step is done against the runtime (the executor's `run` callback for up and down). The
 * plan has decided what to do; this file only does it, with the context naming the object on failure.
 * Containers are created without starting, attached to their networks through /proc/<pid>/ns/net while
 * the process waits for start, then started by the start step. Lifecycle hooks run here too (hooks.ts).
 * What a CLI killed mid-way leaves is trusted only when consistent: an interrupted create is made again,
 * a stop still under way is waited for, endpoints and volume users of containers that are gone are
 * released before their network or volume is removed.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import {
  RuntimeError, attachNetwork, createContainer, createNetwork, createVolume, detachNetwork, listContainers,
  listNetworks, listVolumes, planGatewayNetwork, pullImage, releaseVolume,
  inspectContainer, removeContainer, removeImage, removeNetwork, removeVolume, resolveImageFacts, startContainer, stopContainer, pauseContainer, unpauseContainer,
  execKeepSecrets, killContainer, readLogs, waitContainer, type ContainerSpec, type ImageFacts, type LogEntry, type PortRequest,
} from '../../runtime/index.js';
import type { Project, ServiceConfig } from '../compose/types.js';
import { done, working, type ProgressEvent } from '../progress/events.js';
import { serviceHash } from '../compose/hash.js';
import { checkDependency } from './conditions.js';
import { execHooks, followHookOutput, planHookLogSource, planPreStartLogSource, type HookLine } from './hooks.js';
import { L, type LabelContext } from './labels.js';
import { observedContainerFrom } from './observed-from-runtime.js';
import { networkHash, volumeHash } from './plan-resources.js';
import type { AwaitCondition, Step } from './plan-model.js';
import { planContainerSpec, planLinks } from './service-spec.js';
import {
  checkPreStartFailed, checkPreStartHooks, planOutputTail, planPreStartName, planPreStartService, planPreStartSource, planPreStartSpec,
  preStartFailure, selectPreStartHookContainers,
} from './pre-start.js';
import { collectHostFacts, execUndoHostFacts, execWriteOwnHosts, secretsDir } from './service-host.js';

export interface StepContext {
  project: Project;
  labels: LabelContext;
  /** service → image digest (the image id) to record in com.docker.compose.image */
  imageDigests: Record<string, string>;
  /** stop timeout (-t), else each container's stop_grace_period */
  stopTimeoutMs?: number;
  /** a dependency condition is given up after this long */
  awaitTimeoutMs?: number;
  /** progress of what a step waits for (docker compose's `Container demo-db-1 Waiting` / `Healthy`) */
  emit?: (e: ProgressEvent) => void;
  /** attached `up`: each line hooks print, with its log source (hooks.ts); absent, hook output is not shown */
  hookLog?: (source: string, line: string) => void;
}

export interface StepRunner {
  /** waits for the step's depends_on conditions (before it is reported as working) */
  before: (step: Step) => Promise<void>;
  run: (step: Step) => Promise<void>;
}

export function createStepRunner(ctx: StepContext): StepRunner {
  const facts = new Map<string, Promise<ImageFacts>>();
  /** containers created in this run: name → id (start steps name the container, not its id) */
  const created = new Map<string, string>();
  const imageFacts = (image: string) => facts.get(image) ?? facts.set(image, resolveImageFacts(image)).get(image)!;
  // a container made in this run wins over the observed id the step carries (a recreate's start names the old one)
  const idOf = (s: Step) => created.get(s.name ?? s.resource.replace(/^Container /, '')) ?? s.containerId;
  const serviceOf = (s: Step) => (s.service ? ctx.project.services[s.service] : undefined);
  const nameOf = (s: Step) => s.resource.replace(/^Container /, '');
  const hookLog = (s: Step): HookLine | undefined => {
    const write = ctx.hookLog;
    if (!write) return undefined;
    const source = planHookLogSource(ctx.project.name, s.service ?? '', nameOf(s));
    return (line) => write(source, line);
  };
  // a service's pre_start hooks run once, before the first of its containers starts: every start step of it waits for them
  const preStarts = new Map<string, Promise<void>>();
  const preStart = async (s: Step) => {
    const service = serviceOf(s);
    if (!service?.pre_start?.length) return;
    await (preStarts.get(service.name) ?? preStarts.set(service.name, execPreStart(ctx, service, imageFacts)).get(service.name));
  };

  const before = async (s: Step) => {
    for (const a of s.awaits ?? []) await execAwait(ctx, s.service!, a);
  };
  const run = async (s: Step): Promise<void> => {
    switch (s.op) {
      case 'create-network': return void await execCreateNetwork(ctx, s.key!);
      case 'remove-network': return execRemoveNetwork(s.name!);
      case 'create-volume': return void await execCreateVolume(ctx, s.key!);
      case 'remove-volume': return execRemoveVolume(s.name!);
      case 'pull': {
        // the services of this image record the digest just pulled, so the next up finds them up to date
        const { record } = await pullImage(s.name!);
        for (const svc of Object.values(ctx.project.services)) if (svc.image === s.name) ctx.imageDigests[svc.name] = record.id;
        return;
      }
      case 'remove-image': return void await removeImage(s.name!);
      case 'create-container': {
        const service = ctx.project.services[s.service!]!;
        created.set(s.name!, await execCreateContainer(ctx, service, s.number!, s.name!, await imageFacts(imageOf(ctx.project, service))));
        return;
      }
      case 'recreate-container': {
        // the old container goes first: names and published ports are unique (docker compose keeps it until
        // the new one exists; here a failed create leaves the service without a container, named in the error)
        const service = ctx.project.services[s.service!]!;
        const image = await imageFacts(imageOf(ctx.project, service));
        const inherited = s.inheritAnonymousVolumes === false ? {} : collectAnonymousVolumes(s.containerId!);
        await execHooks(service, 'pre_stop', s.containerId!, nameOf(s), hookLog(s));
        await stopContainer(s.containerId!, stopOpts(ctx));
        await execRemoveContainer(s.containerId!, s.inheritAnonymousVolumes === false);
        created.set(s.name!, await execCreateContainer(ctx, service, s.number!, s.name!, image, inherited));
        return;
      }
      case 'start-container': {
        // docker compose runs pre_start before, post_start once the container runs; a failing hook fails the start
        await preStart(s);
        const id = await execStartContainer(ctx, idOf(s)!, s.service!, s.number);
        if (id !== idOf(s)) created.set(nameOf(s), id);
        return execHooks(serviceOf(s), 'post_start', id, nameOf(s), hookLog(s));
      }
      case 'stop-container': {
        await execHooks(serviceOf(s), 'pre_stop', s.containerId!, nameOf(s), hookLog(s));
        return stopContainer(s.containerId!, stopOpts(ctx));
      }
      case 'restart-container': {
        // stop, then the start step's path: the new process has a new network namespace to attach
        await stopContainer(s.containerId!, stopOpts(ctx));
        const id = await execStartContainer(ctx, s.containerId!, s.service!, s.number);
        return execHooks(serviceOf(s), 'post_start', id, nameOf(s), hookLog(s));
      }
      case 'kill-container': return killContainer(s.containerId!, s.signal);
      case 'pause-container': return pauseContainer(s.containerId!);
      case 'unpause-container': return unpauseContainer(s.containerId!);
      case 'remove-container': return execRemoveContainer(s.containerId!, s.removeVolumes === true);
    }
  };
  return { before, run };
}

const stopOpts = (ctx: StepContext) => (ctx.stopTimeoutMs !== undefined ? { timeoutMs: ctx.stopTimeoutMs } : {});

export function imageOf(project: Project, s: ServiceConfig): string {
  return s.image ?? `${project.name}-${s.name}`;
}

async function execCreateNetwork(ctx: StepContext, key: string): Promise<void> {
  const n = ctx.project.networks[key]!;
  const ipam = (n.ipam?.config?.[0] ?? {}) as { subnet?: string; gateway?: string; ip_range?: string };
  await createNetwork({
    name: n.name, driver: n.driver, subnet: ipam.subnet, gateway: ipam.gateway, ipRange: ipam.ip_range,
    internal: n.internal, enableIpv6: n.enable_ipv6, driverOpts: n.driver_opts,
    labels: { ...(n.labels ?? {}), [L.network]: key, [L.project]: ctx.project.name, [L.version]: ctx.labels.version, [L.configHash]: networkHash(n) },
  });
}

async function execCreateVolume(ctx: StepContext, key: string): Promise<void> {
  const v = ctx.project.volumes[key]!;
  await createVolume({
    name: v.name, driver: v.driver, driverOpts: v.driver_opts,
    labels: { ...(v.labels ?? {}), [L.volume]: key, [L.project]: ctx.project.name, [L.version]: ctx.labels.version, [L.configHash]: volumeHash(v) },
  });
}

/** The service's networks, in the order docker compose attaches them (priority, then name). */
function serviceNetworks(project: Project, s: ServiceConfig): Array<{ key: string; name: string }> {
  if (s.network_mode) return [];
  return Object.entries(s.networks ?? {})
    .sort(([a, x], [b, y]) => (y?.priority ?? 0) - (x?.priority ?? 0) || a.localeCompare(b))
    .filter(([k]) => project.networks[k]).map(([key]) => ({ key, name: project.networks[key]!.name }));
}

/** The anonymous volumes a container mounts, by target: a recreated container takes them over (unless -V). */
function collectAnonymousVolumes(id: string): Record<string, string> {
  const mounts = (inspectContainer(id) as { Mounts?: Array<{ Type: string; Source: string; Destination: string }> }).Mounts ?? [];
  const anonymous = listVolumes().filter((v) => v.anonymous && v.users.includes(id));
  const out: Record<string, string> = {};
  for (const m of mounts) {
    const v = anonymous.find((a) => a.mountpoint === m.Source);
    if (m.Type === 'volume' && v) out[m.Destination] = v.name;
  }
  return out;
}

/** How `run` makes its one-off container differently: labels adjusted, network aliases only with --use-aliases. */
export interface CreateVariant {
  adjustSpec?: (spec: ContainerSpec) => ContainerSpec;
  /** default true */
  aliases?: boolean;
}

export async function execCreateContainer(ctx: StepContext, s: ServiceConfig, number: number, name: string, image: ImageFacts, inherited: Record<string, string> = {}, variant: CreateVariant = {}): Promise<string> {
  const { project } = ctx;
  const id = randomBytes(32).toString('hex');
  const nets = serviceNetworks(project, s);
  const gateway = planGatewayNetwork(nets.map((n) => ({ name: n.name, gwPriority: s.networks?.[n.key]?.gw_priority, internal: project.networks[n.key]!.internal })));
  // volumes (named, anonymous, the image's, volumes_from), secrets/configs and name-service files: service-host.ts
  const host = await collectHostFacts(project, s, id, name, image, inherited, nets, gateway);
  try {
    const spec = planContainerSpec({
      project, service: s, id, number, image, name,
      labels: ctx.labels, configHash: serviceHash(s), imageDigest: ctx.imageDigests[s.name], ...host,
    });
    await createContainer(variant.adjustSpec ? variant.adjustSpec(spec) : spec, { start: false });
  } catch (e) {
    await execUndoHostFacts(id, host);
    throw e;
  }
  try {
    const pid = listContainers({ all: true }).find((c) => c.id === id)?.state?.pid;
    if (nets.length > 0 && !pid) throw new RuntimeError('E_CREATE', `create container "${name}": no process after create`);
    // secrets/configs live under the run dir: their bytes are kept in the bundle for `restore` after a reboot
    execKeepSecrets(id, (host.fileMounts ?? []).flatMap((m) => (m.source ? [m.source] : [])));
    for (const n of nets) await execAttach(ctx, s, n, id, name, `/proc/${pid}/ns/net`, n.name === gateway, variant.aliases ?? true);
    execWriteOwnHosts(s, id, name, gateway ?? nets[0]?.name);
  } catch (e) {
    await execRemoveContainer(id, false).catch(() => undefined);
    throw e;
  }
  return id;
}

function execAttach(ctx: StepContext, s: ServiceConfig, n: { key: string; name: string }, id: string, name: string, netns: string, defaultRoute: boolean, withAliases = true) {
  const cfg = s.networks?.[n.key] ?? undefined;
  const first = serviceNetworks(ctx.project, s)[0]?.key === n.key;
  // docker publishes ports on every network's endpoint; one DNAT per host port is enough, on the first one
  const ports: PortRequest[] = first ? (s.ports ?? []).map((p) => ({
    protocol: p.protocol === 'udp' ? 'udp' : 'tcp', target: p.target,
    ...(p.published ? { published: p.published } : {}), ...(p.host_ip ? { hostIp: p.host_ip } : {}),
  })) : [];
  return attachNetwork({
    network: n.name, netns, containerId: id, containerName: name, hostname: s.hostname,
    // links and external_links are names this container alone resolves (Docker's per-endpoint aliases)
    aliases: withAliases ? [s.name, ...(cfg?.aliases ?? [])] : [], links: planLinks(s),
    ipv4Address: cfg?.ipv4_address, macAddress: cfg?.mac_address ?? s.mac_address, interfaceName: cfg?.interface_name,
    defaultRoute, ports, dns: s.dns,
  });
}

/**
 * Start; returns the id of the container started. A created container is attached to the networks it
 * misses first (a CLI killed between create and attach leaves one without); a container that ran before
 * gets a new process and network namespace from the shim, so its old endpoints go and new ones are made
 * right after the start. A container whose create never finished (a CLI killed between writing its
 * record and the shim making it: no state, no process) cannot be started: it is made again under its name.
 */
async function execStartContainer(ctx: StepContext, id: string, service: string, number: number | undefined): Promise<string> {
  if (!(await execSettleStop(id))) return id;
  const before = listContainers({ all: true }).find((c) => c.id === id);
  const s = ctx.project.services[service];
  if (before && s && number !== undefined && checkUnfinishedCreate(before)) {
    const image = await resolveImageFacts(imageOf(ctx.project, s));
    await execRemoveContainer(id, false);
    const fresh = await execCreateContainer(ctx, s, number, before.name, image);
    await startContainer(fresh);
    return fresh;
  }
  const fresh = before?.status === 'created';
  if (fresh && s) await execAttachMissing(ctx, s, id, before.name, before.state?.pid);
  if (!fresh) for (const n of listNetworks()) if (n.endpoints[id]) await detachNetwork(n.name, id);
  await startContainer(id);
  if (fresh || !before || !s) return id;
  await execAttachMissing(ctx, s, id, before.name, listContainers({ all: true }).find((c) => c.id === id)?.state?.pid);
  return id;
}

/**
 * A container with a stop under way (observed as exited: see observed-from-runtime.ts) is waited for
 * until it is down, so it can be started again. False when it is still running after the deadline: a
 * stop that does not end (or a signal that did not stop it) leaves a running container, which is the goal.
 */
async function execSettleStop(id: string, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = listContainers({ all: true }).find((x) => x.id === id);
    if (!c || c.status !== 'running' || !c.state?.stopRequested) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pure: a container record without any state from its shim is one whose create was interrupted. */
export function checkUnfinishedCreate(c: { status: string; state: { pid?: number } | null }): boolean {
  return c.status === 'created' && (c.state === null || !c.state.pid);
}

/**
 * A network's endpoints are trusted only while their container exists: a CLI killed between removing a
 * container and detaching it (or a create undone half-way) leaves one behind, which would block the removal.
 */
/** Pure: the container states whose network endpoints are live (their netns exists). */
export function holdsEndpoint(status: string): boolean {
  return status === 'running' || status === 'paused' || status === 'restarting';
}

async function execRemoveNetwork(name: string): Promise<void> {
  const rec = listNetworks().find((n) => n.name === name);
  if (rec) {
    // as docker frees a container's endpoint when it stops, only running containers keep a network in use
    const live = new Set(listContainers({ all: true }).filter((c) => holdsEndpoint(c.status)).map((c) => c.id));
    for (const id of Object.keys(rec.endpoints)) if (!live.has(id)) await detachNetwork(name, id);
  }
  await removeNetwork(name);
}

/** Likewise a volume's users: a container that no longer exists does not keep its volume. */
async function execRemoveVolume(name: string): Promise<void> {
  const v = listVolumes().find((x) => x.name === name);
  if (v) {
    const live = new Set(listContainers({ all: true }).map((c) => c.id));
    for (const id of v.users) if (!live.has(id)) await releaseVolume(name, id);
  }
  await removeVolume(name);
}

async function execAttachMissing(ctx: StepContext, s: ServiceConfig, id: string, name: string, pid: number | undefined): Promise<void> {
  const nets = serviceNetworks(ctx.project, s);
  // an endpoint left pending by a killed attach is undone (whatever part of it was made) and made again
  for (const n of listNetworks()) if (n.endpoints[id]?.pending) await detachNetwork(n.name, id);
  const live = new Set(listNetworks().filter((n) => n.endpoints[id]).map((n) => n.name));
  const missing = nets.filter((n) => !live.has(n.name));
  if (missing.length === 0) return;
  if (!pid) throw new RuntimeError('E_START', `start container "${name}": no process to attach networks to`);
  const gateway = planGatewayNetwork(nets.map((n) => ({ name: n.name, gwPriority: s.networks?.[n.key]?.gw_priority, internal: ctx.project.networks[n.key]!.internal })));
  for (const n of missing) await execAttach(ctx, s, n, id, name, `/proc/${pid}/ns/net`, n.name === gateway);
  execWriteOwnHosts(s, id, name, gateway ?? nets[0]?.name);
}

/**
 * The service's pre_start hooks (pre-start.ts), each an ephemeral container run to its end, when none of
 * its replicas runs. Hook containers kept by an earlier failure go first; a failed removal does not gate
 * the start (docker compose only warns), the container stays listed under its name.
 */
async function execPreStart(ctx: StepContext, service: ServiceConfig, imageFacts: (image: string) => Promise<ImageFacts>): Promise<void> {
  const { project } = ctx;
  const mine = listContainers({ labels: [`${L.project}=${project.name}`, `${L.service}=${service.name}`], all: true });
  const source = planPreStartSource(mine);
  if (!source) return;
  checkPreStartHooks(service);
  for (const c of selectPreStartHookContainers(mine, project.name, [service.name])) await execRemoveContainer(c.id, true).catch(() => undefined);
  for (const [i, hook] of (service.pre_start ?? []).entries()) {
    const what = `service "${service.name}" pre_start[${i}]`;
    const hookService = planPreStartService(project, service, hook, source.name);
    const name = planPreStartName(project.name, service.name, randomBytes(32).toString('hex'));
    let id: string;
    try {
      // up pulled the hook's image beforehand when its pull policy asked for it (pull-policy.ts planHookPulls)
      id = await execCreateContainer(ctx, hookService, 0, name, await imageFacts(hookService.image!), {}, {
        adjustSpec: (spec) => planPreStartSpec(spec, ctx.labels, service.name), aliases: false,
      });
    } catch (e) {
      throw new RuntimeError('E_HOOK', `${what}: ${(e as Error).message}`);
    }
    const write = ctx.hookLog;
    const output = write ? followHookOutput(id, (line) => write(planPreStartLogSource(service.name, i), line)) : undefined;
    try {
      await startContainer(id);
    } catch (e) {
      await output?.finish(0);
      await execRemoveContainer(id, true).catch(() => undefined);
      throw new RuntimeError('E_HOOK', `${what}: ${(e as Error).message}`);
    }
    // no time limit: a hook may migrate a database; docker compose waits as long
    const result = await waitContainer(id);
    await output?.finish();
    if (!checkPreStartFailed(result)) {
      await execRemoveContainer(id, true);
      continue;
    }
    const entries: LogEntry[] = [];
    for await (const e of readLogs(id)) entries.push(e);
    throw new RuntimeError('E_HOOK', preStartFailure(service.name, i, result, id, planOutputTail(entries)));
  }
}

/** Detach from its networks, remove it, let go of its volumes (and remove its anonymous ones with -v). */
export async function execRemoveContainer(id: string, removeAnonymous: boolean): Promise<void> {
  for (const n of listNetworks()) if (n.endpoints[id]) await detachNetwork(n.name, id);
  await removeContainer(id, { force: true });
  rmSync(secretsDir(id), { recursive: true, force: true });
  for (const v of listVolumes()) {
    if (!v.users.includes(id)) continue;
    await releaseVolume(v.name, id);
    // an anonymous volume still used by another container (volumes_from) stays with that one
    if (removeAnonymous && v.anonymous && v.users.every((u) => u === id)) await removeVolume(v.name);
  }
}

/** Polls the dependency's replicas until the condition holds, fails, or the deadline passes. */
async function execAwait(ctx: StepContext, dependant: string, a: AwaitCondition): Promise<void> {
  const deadline = Date.now() + (ctx.awaitTimeoutMs ?? 10 * 60_000);
  let announced = false;
  for (;;) {
    const containers = listContainers({ labels: [`${L.project}=${ctx.project.name}`, `${L.service}=${a.service}`, `${L.oneoff}=False`], all: true }).map((c) => observedContainerFrom(c));
    if (!announced) for (const c of containers) ctx.emit?.(working(`Container ${c.name}`, 'Waiting'));
    announced = true;
    const v = checkDependency({ dependant, dependency: a.service, condition: a.condition, required: a.required, containers });
    if (v === 'satisfied') for (const c of containers) ctx.emit?.(done(`Container ${c.name}`, a.condition === 'service_healthy' ? 'Healthy' : 'Exited'));
    if (v === 'satisfied' || v.startsWith('skipped: ')) return;
    if (v.startsWith('failed: ')) throw new RuntimeError('E_DEPENDENCY', v.slice('failed: '.length));
    if (Date.now() > deadline) throw new RuntimeError('E_DEPENDENCY', `${dependant}: timed out waiting for ${a.service} (${a.condition})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
