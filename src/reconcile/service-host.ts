/**
 * What one container of a service needs from the host before the runtime creates it, resolved here so that
 * planContainerSpec stays pure: volume dirs (named, anonymous from `- /data` and from the image's VOLUMEs,
 * filled from the image once), volumes_from, secrets and configs written as files, and the name-service files
 * for its network_mode. After the attach, the container's own address goes into its /etc/hosts.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  RuntimeError, acquireVolume, containerSecretsDir, createVolume, execMaterialiseSecret, inspectContainer, listContainers, listVolumes,
  paths, planHostsFile, planResolvConf, populateVolume, readNetwork, releaseVolume, removeVolume, type ImageFacts, type MountSpec,
} from '../../runtime/index.js';
import type { Project, ServiceConfig } from '../compose/types.js';
import { L, containerName } from './labels.js';
import { planImageVolumeTargets, planVolumesFromMounts, planVolumesFromSources, type SpecInput } from './service-spec.js';

export type HostFacts = Pick<SpecInput, 'volumeDirs' | 'resolvConf' | 'hostsFile' | 'volumesFrom' | 'fileMounts' | 'sharedUts'> & {
  /** volumes this container was made a user of (released again if the create fails) */
  acquired: string[];
  /** anonymous volumes made for it here (removed again if the create fails) */
  madeAnonymous: string[];
};

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** Where a container's secrets and configs live (the runtime's place, which restore writes back to). */
export const secretsDir = containerSecretsDir;

function readHostFile(file: string): string {
  try { return readFileSync(file, 'utf8'); } catch { return ''; }
}

/** `nets`: the service's networks in attach order; `gateway`: the one carrying the default route. */
export async function collectHostFacts(project: Project, s: ServiceConfig, id: string, name: string, image: ImageFacts,
  inherited: Record<string, string>, nets: Array<{ name: string }>, gateway: string | undefined): Promise<HostFacts> {
  const facts: HostFacts = { volumeDirs: {}, acquired: [], madeAnonymous: [] };
  try {
    facts.volumesFrom = await execVolumesFrom(project, s, id, facts);
    await execServiceVolumes(project, s, id, image, inherited, facts);
    facts.fileMounts = execSecretFiles(project, s, id);
    Object.assign(facts, collectNameService(project, s, id, name, nets, gateway));
    return facts;
  } catch (e) {
    await execUndoHostFacts(id, facts);
    throw e;
  }
}

export async function execUndoHostFacts(id: string, facts: Pick<HostFacts, 'acquired' | 'madeAnonymous'>): Promise<void> {
  for (const vol of facts.acquired) await releaseVolume(vol, id).catch(() => undefined);
  for (const vol of facts.madeAnonymous) await removeVolume(vol).catch(() => undefined);
  rmSync(secretsDir(id), { recursive: true, force: true });
}

async function execVolumesFrom(project: Project, s: ServiceConfig, id: string, facts: HostFacts): Promise<MountSpec[]> {
  const out: MountSpec[] = [];
  const all = s.volumes_from?.length ? listContainers({ all: true }) : [];
  for (const src of planVolumesFromSources(project, s)) {
    const c = all.find((x) => x.name === src.container);
    if (!c) throw new RuntimeError('E_VOLUMES_FROM', `service "${s.name}": volumes_from "${src.entry}": no container "${src.container}"`);
    const mounts = (inspectContainer(c.id) as { Mounts?: Array<{ Type: string; Source: string; Destination: string; RW: boolean }> }).Mounts ?? [];
    // its secrets and configs are its own (docker does not pass them on either)
    const own = `${path.join(paths().run, 'secrets')}${path.sep}`;
    const planned = planVolumesFromMounts(mounts.filter((m) => !m.Source.startsWith(own)), src.mode);
    // a volume shared this way is in use by this container too: `volume rm` must refuse while it runs
    const vols = listVolumes();
    for (const m of planned) {
      const v = m.type === 'volume' ? vols.find((x) => x.mountpoint === m.source) : undefined;
      if (v) { await acquireVolume(v.name, id); facts.acquired.push(v.name); }
    }
    out.push(...planned);
  }
  return out;
}

/** The image's content at each volume target, one dir per layer (topmost first), for the copy into a new volume. */
function imageDirs(image: ImageFacts, target: string): string[] {
  return image.lowerDirs.map((d) => path.join(d, target));
}

async function execServiceVolumes(project: Project, s: ServiceConfig, id: string, image: ImageFacts, inherited: Record<string, string>, facts: HostFacts): Promise<void> {
  const anonymous = async (target: string): Promise<string> => {
    if (inherited[target]) return inherited[target]!;
    const v = await createVolume({ anonymous: true, labels: { [L.project]: project.name, [ANONYMOUS_LABEL]: '' } });
    facts.madeAnonymous.push(v.name);
    return v.name;
  };
  const use = async (vol: string, target: string, nocopy: boolean) => {
    facts.volumeDirs[target] = await acquireVolume(vol, id);
    facts.acquired.push(vol);
    // Docker fills a new, empty volume from the image at its first mount (nocopy turns that off)
    await populateVolume(vol, imageDirs(image, target), { nocopy });
  };
  const fromTargets = (facts.volumesFrom ?? []).map((m) => m.target);
  for (const target of planImageVolumeTargets(s, image, fromTargets)) await use(await anonymous(target), target, false);
  for (const v of s.volumes ?? []) {
    if (v.type !== 'volume') continue;
    // a volume without source is anonymous: one of its own per container, removed with it under -v
    const vol = v.source ? project.volumes[v.source]?.name ?? v.source : await anonymous(v.target);
    await use(vol, v.target, v.volume?.nocopy === true);
  }
}

function execSecretFiles(project: Project, s: ServiceConfig, id: string): MountSpec[] {
  const out: MountSpec[] = [];
  for (const kind of ['secret', 'config'] as const) {
    for (const ref of (kind === 'secret' ? s.secrets : s.configs) ?? []) {
      const what = `service "${s.name}": ${kind} "${ref.source}"`;
      const def = (kind === 'secret' ? project.secrets : project.configs)[ref.source];
      if (!def) throw new RuntimeError('E_SECRET_SOURCE', `${what}: not defined in the top-level ${kind}s`);
      if (def.external) throw new RuntimeError('E_SECRET_SOURCE', `${what}: external ${kind}s need a swarm; not supported`);
      const num = (v: string | undefined, key: string) => {
        if (v === undefined) return undefined;
        if (!/^\d+$/.test(v)) throw new RuntimeError('E_SECRET_SOURCE', `${what}: ${key} "${v}" is not a number`);
        return Number(v);
      };
      const written = execMaterialiseSecret(secretsDir(id), {
        kind, name: ref.source, source: { file: def.file, environment: def.environment, content: def.content },
        target: ref.target, uid: num(ref.uid, 'uid'), gid: num(ref.gid, 'gid'),
        mode: typeof ref.mode === 'string' ? parseInt(ref.mode, 8) : ref.mode,
      }, { ...process.env, ...project.environment });
      out.push({ type: 'bind', source: written.hostPath, target: written.target, readOnly: true });
    }
  }
  return out;
}

/** resolv.conf and hosts for each network_mode, as docker sets them. */
function collectNameService(project: Project, s: ServiceConfig, id: string, name: string, nets: Array<{ name: string }>, gateway: string | undefined): Partial<HostFacts> {
  const mode = s.network_mode ?? '';
  const joined = /^(service|container):(.+)$/.exec(mode);
  if (joined) {
    // the joined container's own files (and hostname): one network, one name service
    const parent = joined[1] === 'service' ? project.services[joined[2]!] : undefined;
    const target = parent ? containerName(project.name, parent.name, 1, parent.container_name) : joined[2]!;
    const c = listContainers({ all: true }).find((x) => x.name === target);
    if (!c) throw new RuntimeError('E_NETWORK_MODE', `create container "${name}": network_mode "${mode}": no container "${target}"`);
    const info = inspectContainer(c.id) as { HostsPath?: string; ResolvConfPath?: string; Config?: { Hostname?: string } };
    return {
      ...(info.ResolvConfPath ? { resolvConf: { path: info.ResolvConfPath } } : {}),
      ...(info.HostsPath ? { hostsFile: { path: info.HostsPath } } : {}),
      ...(info.Config?.Hostname ? { sharedUts: { hostname: info.Config.Hostname } } : {}),
    };
  }
  const host = mode === 'host';
  const netName = gateway ?? nets[0]?.name;
  const resolver = host || !netName ? undefined : readNetwork(netName)?.gateway;
  return {
    resolvConf: planResolvConf({ resolver, dns: s.dns, dnsSearch: s.dns_search, dnsOpt: s.dns_opt, hostResolvConf: readHostFile('/etc/resolv.conf'), hostNetwork: host }),
    hostsFile: planHostsFile({
      hostname: s.hostname ?? id.slice(0, 12), domainname: s.domainname, extraHosts: s.extra_hosts,
      // host-gateway: a host address the container reaches (its gateway; the host itself with the host's network)
      hostGateway: host ? '127.0.0.1' : resolver, container: name, ...(host ? { hostHosts: readHostFile('/etc/hosts') } : {}),
    }),
  };
}

/**
 * After the attach: /etc/hosts gets the container's own address (on the network of its default route) and
 * its hostname, as docker writes it. The file is rewritten in place: it is already bound into the container.
 */
export function execWriteOwnHosts(s: ServiceConfig, id: string, name: string, network: string | undefined): void {
  if (s.network_mode || !network) return;
  const address = readNetwork(network)?.endpoints[id]?.ipv4;
  const info = inspectContainer(id) as { HostsPath?: string };
  if (!address || !info.HostsPath || path.dirname(info.HostsPath) !== path.join(paths().containers, id)) return;
  const content = planHostsFile({
    hostname: s.hostname ?? id.slice(0, 12), domainname: s.domainname, extraHosts: s.extra_hosts,
    hostGateway: readNetwork(network)?.gateway, container: name, address,
  });
  try {
    readFileSync(info.HostsPath); // exists: never create a file the runtime did not bind
    // truncates the same inode (no rename): the bind mount in the container keeps pointing at it
    writeFileSync(info.HostsPath, content);
  } catch (e) {
    throw new RuntimeError('E_HOSTS_FILE', `create container "${name}": write /etc/hosts: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
