/**
 * How one plan step is done against the runtime (the executor's `run` callback for up and down). The
 * plan has decided what to do; this file only does it, with the context naming the object on failure.
 * Containers are created without starting, attached to their networks through /proc/<pid>/ns/net while
 * the process waits for start, then started by the start step.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  RuntimeError, acquireVolume, attachNetwork, createContainer, createNetwork, createVolume, detachNetwork, listContainers,
  listNetworks, listVolumes, planGatewayNetwork, planHostsFile, planResolvConf, pullImage, readNetwork, releaseVolume,
  inspectContainer, removeContainer, removeImage, removeNetwork, removeVolume, resolveImageFacts, startContainer, stopContainer, unpauseContainer,
  killContainer, restartContainer, type ImageFacts, type PortRequest,
} from '../../runtime/index.js';
import type { Project, ServiceConfig } from '../compose/types.js';
import { done, working, type ProgressEvent } from '../progress/events.js';
import { serviceHash } from '../compose/hash.js';
import { checkDependency } from './conditions.js';
import { L, type LabelContext } from './labels.js';
import { observedContainerFrom } from './observed-from-runtime.js';
import { networkHash, volumeHash } from './plan-resources.js';
import type { AwaitCondition, Step } from './plan-model.js';
import { planContainerSpec } from './service-spec.js';

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

  const before = async (s: Step) => {
    for (const a of s.awaits ?? []) await execAwait(ctx, s.service!, a);
  };
  const run = async (s: Step): Promise<void> => {
    switch (s.op) {
      case 'create-network': return void await execCreateNetwork(ctx, s.key!);
      case 'remove-network': return removeNetwork(s.name!);
      case 'create-volume': return void await execCreateVolume(ctx, s.key!);
      case 'remove-volume': return removeVolume(s.name!);
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
        await stopContainer(s.containerId!, stopOpts(ctx));
        await execRemoveContainer(s.containerId!, s.inheritAnonymousVolumes === false);
        created.set(s.name!, await execCreateContainer(ctx, service, s.number!, s.name!, image, inherited));
        return;
      }
      case 'start-container': return execStartContainer(ctx, idOf(s)!, s.service!);
      case 'stop-container': return stopContainer(s.containerId!, stopOpts(ctx));
      case 'restart-container': return restartContainer(s.containerId!, stopOpts(ctx));
      case 'kill-container': return killContainer(s.containerId!, s.signal);
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

async function execCreateContainer(ctx: StepContext, s: ServiceConfig, number: number, name: string, image: ImageFacts, inherited: Record<string, string> = {}): Promise<string> {
  const { project } = ctx;
  const id = randomBytes(32).toString('hex');
  const nets = serviceNetworks(project, s);
  const gateway = planGatewayNetwork(nets.map((n) => ({ name: n.name, gwPriority: s.networks?.[n.key]?.gw_priority, internal: project.networks[n.key]!.internal })));
  const resolver = readNetwork(gateway ?? nets[0]?.name ?? '')?.gateway;
  const volumeDirs: Record<string, string> = {};
  const acquired: string[] = [];
  try {
    for (const v of s.volumes ?? []) {
      if (v.type !== 'volume') continue;
      // a volume without source is anonymous: one of its own per container, removed with it under -v
      const vol = v.source ? project.volumes[v.source]?.name ?? v.source : inherited[v.target] ?? (await createVolume({ anonymous: true, labels: { [L.project]: project.name } })).name;
      volumeDirs[v.target] = await acquireVolume(vol, id);
      acquired.push(vol);
    }
    const hostMode = s.network_mode === 'host';
    const spec = planContainerSpec({
      project, service: s, id, number, image, name,
      labels: ctx.labels, configHash: serviceHash(s), imageDigest: ctx.imageDigests[s.name], volumeDirs,
      ...(hostMode ? {} : {
        resolvConf: planResolvConf({ resolver, dns: s.dns, dnsSearch: s.dns_search, dnsOpt: s.dns_opt, hostResolvConf: readHostResolvConf() }),
        hostsFile: planHostsFile({ hostname: s.hostname ?? id.slice(0, 12), domainname: s.domainname, extraHosts: s.extra_hosts, hostGateway: resolver, container: name }),
      }),
    });
    await createContainer(spec, { start: false });
  } catch (e) {
    for (const vol of acquired) await releaseVolume(vol, id).catch(() => undefined);
    throw e;
  }
  try {
    const pid = listContainers({ all: true }).find((c) => c.id === id)?.state?.pid;
    if (nets.length > 0 && !pid) throw new RuntimeError('E_CREATE', `create container "${name}": no process after create`);
    for (const n of nets) await execAttach(ctx, s, n, id, name, `/proc/${pid}/ns/net`, n.name === gateway);
  } catch (e) {
    await execRemoveContainer(id, false).catch(() => undefined);
    throw e;
  }
  return id;
}

function execAttach(ctx: StepContext, s: ServiceConfig, n: { key: string; name: string }, id: string, name: string, netns: string, defaultRoute: boolean) {
  const cfg = s.networks?.[n.key] ?? undefined;
  const first = serviceNetworks(ctx.project, s)[0]?.key === n.key;
  // docker publishes ports on every network's endpoint; one DNAT per host port is enough, on the first one
  const ports: PortRequest[] = first ? (s.ports ?? []).map((p) => ({
    protocol: p.protocol === 'udp' ? 'udp' : 'tcp', target: p.target,
    ...(p.published ? { published: p.published } : {}), ...(p.host_ip ? { hostIp: p.host_ip } : {}),
  })) : [];
  return attachNetwork({
    network: n.name, netns, containerId: id, containerName: name, hostname: s.hostname,
    aliases: [s.name, ...(cfg?.aliases ?? []), ...(s.links ?? []).map((l) => l.split(':').pop()!)],
    ipv4Address: cfg?.ipv4_address, macAddress: cfg?.mac_address ?? s.mac_address, interfaceName: cfg?.interface_name,
    defaultRoute, ports, dns: s.dns,
  });
}

function readHostResolvConf(): string {
  try { return readFileSync('/etc/resolv.conf', 'utf8'); } catch { return ''; }
}

/**
 * Start. A created container is attached to the networks it misses first (a CLI killed between create and
 * attach leaves one without); a container that ran before gets a new process and network namespace from
 * the shim, so its old endpoints go and new ones are made right after the start.
 */
async function execStartContainer(ctx: StepContext, id: string, service: string): Promise<void> {
  const before = listContainers({ all: true }).find((c) => c.id === id);
  const s = ctx.project.services[service];
  const fresh = before?.status === 'created';
  if (fresh && s) await execAttachMissing(ctx, s, id, before.name, before.state?.pid);
  if (!fresh) for (const n of listNetworks()) if (n.endpoints[id]) await detachNetwork(n.name, id);
  await startContainer(id);
  if (fresh || !before || !s) return;
  await execAttachMissing(ctx, s, id, before.name, listContainers({ all: true }).find((c) => c.id === id)?.state?.pid);
}

async function execAttachMissing(ctx: StepContext, s: ServiceConfig, id: string, name: string, pid: number | undefined): Promise<void> {
  const nets = serviceNetworks(ctx.project, s);
  const live = new Set(listNetworks().filter((n) => n.endpoints[id]).map((n) => n.name));
  const missing = nets.filter((n) => !live.has(n.name));
  if (missing.length === 0) return;
  if (!pid) throw new RuntimeError('E_START', `start container "${name}": no process to attach networks to`);
  const gateway = planGatewayNetwork(nets.map((n) => ({ name: n.name, gwPriority: s.networks?.[n.key]?.gw_priority, internal: ctx.project.networks[n.key]!.internal })));
  for (const n of missing) await execAttach(ctx, s, n, id, name, `/proc/${pid}/ns/net`, n.name === gateway);
}

/** Detach from its networks, remove it, let go of its volumes (and remove its anonymous ones with -v). */
export async function execRemoveContainer(id: string, removeAnonymous: boolean): Promise<void> {
  for (const n of listNetworks()) if (n.endpoints[id]) await detachNetwork(n.name, id);
  await removeContainer(id, { force: true });
  for (const v of listVolumes()) {
    if (!v.users.includes(id)) continue;
    await releaseVolume(v.name, id);
    if (removeAnonymous && v.anonymous) await removeVolume(v.name);
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
