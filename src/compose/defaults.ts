/**
 * The `defaults` stage (compose-go's normalisation) on the canonical tree: the default network,
 * `<project>_<name>` names for networks/volumes/secrets/configs (external ones keep their key),
 * implicit depends_on from links, volumes_from and `service:` namespace modes, build defaults and
 * pre_start hooks inheriting the service image.
 */
import { isMap } from './canonical/context.js';

type Tree = Record<string, unknown>;

/** Keys whose `service:x` value makes x a dependency that must restart along (restart: true). */
const NAMESPACE_KEYS = ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const;

function addDependency(service: Tree, dep: string, restart: boolean): void {
  const deps = isMap(service.depends_on) ? service.depends_on : {};
  if (deps[dep] === undefined) deps[dep] = { condition: 'service_started', required: true, ...(restart ? { restart: true } : {}) };
  service.depends_on = deps;
}

export function implicitDependencies(service: Tree): void {
  for (const key of NAMESPACE_KEYS) {
    const v = service[key];
    if (typeof v === 'string' && v.startsWith('service:')) addDependency(service, v.slice('service:'.length), true);
  }
  if (Array.isArray(service.links)) {
    for (const link of service.links) addDependency(service, String(link).split(':')[0]!, true);
  }
  if (Array.isArray(service.volumes_from)) {
    for (const from of service.volumes_from) {
      const s = String(from);
      if (s.startsWith('container:')) continue;
      addDependency(service, s.split(':')[0]!, false);
    }
  }
}

function nameResources(section: unknown, project: string): void {
  if (!isMap(section)) return;
  for (const [key, def] of Object.entries(section)) {
    const d: Tree = isMap(def) ? def : {};
    if (d.name === undefined || d.name === null || d.name === '') d.name = d.external === true ? key : `${project}_${key}`;
    section[key] = d;
  }
}

export function applyDefaults(tree: Tree, project: string): Tree {
  const services = isMap(tree.services) ? tree.services : {};
  let usesDefault = false;
  for (const s of Object.values(services)) {
    if (!isMap(s)) continue;
    if (s.network_mode === undefined && (s.networks === undefined || s.networks === null)) s.networks = { default: null };
    if (isMap(s.networks) && 'default' in s.networks) usesDefault = true;
    if (isMap(s.build)) {
      if (s.build.context === undefined || s.build.context === null) s.build.context = '.';
      if (s.build.dockerfile === undefined && s.build.dockerfile_inline === undefined) s.build.dockerfile = 'Dockerfile';
    }
    if (Array.isArray(s.pre_start) && typeof s.image === 'string') {
      s.pre_start = s.pre_start.map((h) => (isMap(h) && h.image === undefined ? { ...h, image: s.image } : h));
    }
    implicitDependencies(s);
  }
  if (usesDefault) {
    const networks: Tree = isMap(tree.networks) ? tree.networks : {};
    if (networks.default === undefined) networks.default = {};
    tree.networks = networks;
  }
  nameResources(tree.networks, project);
  nameResources(tree.volumes, project);
  nameResources(tree.secrets, project);
  nameResources(tree.configs, project);
  return tree;
}
