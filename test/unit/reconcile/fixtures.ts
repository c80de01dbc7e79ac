/** Hand-built Projects and observed states for the planner's tests. */
import { serviceHash } from '../../../src/compose/hash.js';
import type { Project, ServiceConfig } from '../../../src/compose/types.js';
import { L } from '../../../src/reconcile/labels.js';
import type { ObservedContainer, ObservedState } from '../../../src/reconcile/observed.js';
import { networkHash, volumeHash } from '../../../src/reconcile/plan-resources.js';

export function makeProject(name: string, services: ServiceConfig[], extra: Partial<Project> = {}): Project {
  return {
    name,
    workingDir: `/srv/${name}`,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: { default: { name: `${name}_default` } },
    volumes: {},
    secrets: {},
    configs: {},
    models: {},
    extensions: {},
    environment: {},
    configFiles: [`/srv/${name}/compose.yaml`],
    disabledServices: {},
    profiles: [],
    warnings: [],
    ...extra,
  };
}

export const svc = (name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig => ({ name, image: 'busybox', networks: { default: null }, ...extra });

/** The 3-service project of the goldens: db (volume data) ← api (healthy, restart: true) ← web (started). */
export function threeTier(): Project {
  return makeProject('demo', [
    svc('db', { image: 'postgres:16', volumes: [{ type: 'volume', source: 'data', target: '/var/lib/postgresql/data' }], healthcheck: { test: ['CMD', 'pg_isready'] } }),
    svc('api', { image: 'demo/api', depends_on: { db: { condition: 'service_healthy', required: true, restart: true } } }),
    svc('web', { image: 'nginx', depends_on: { api: { condition: 'service_started', required: true } }, ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }] }),
  ], { volumes: { data: { name: 'demo_data' } } });
}

let seq = 0;
/** A container of `service` numbered `n`, created from the service as it is now (so up to date unless changed). */
export function replica(project: Project, service: string, n: number, over: Partial<ObservedContainer> = {}, labels: Record<string, string> = {}): ObservedContainer {
  const s = project.services[service] ?? { name: service };
  seq++;
  return {
    id: `${service}${n}`.padEnd(12, '0') + String(seq).padStart(4, '0'),
    name: `${project.name}-${service}-${n}`,
    labels: {
      [L.project]: project.name, [L.service]: service, [L.number]: String(n), [L.oneoff]: 'False',
      [L.configHash]: serviceHash(s), [L.image]: `sha256:${service}`, ...(s.labels ?? {}), ...labels,
    },
    status: 'running',
    exitCode: null,
    health: null,
    imageDigest: `sha256:${service}`,
    networks: s.network_mode ? [] : Object.keys(s.networks ?? {}).map((k) => project.networks[k]?.name ?? k),
    mounts: (s.volumes ?? []).filter((v) => v.type === 'volume' && v.source).map((v) => project.volumes[v.source!]?.name ?? v.source!),
    ...over,
  };
}

/** Everything of the project exists and is up to date: one running replica per service. */
export function upToDate(project: Project): ObservedState {
  return {
    containers: Object.keys(project.services).map((s) => replica(project, s, 1)),
    networks: Object.entries(project.networks).filter(([, n]) => !n.external).map(([key, n]) => ({ name: n.name, labels: { [L.project]: project.name, [L.network]: key, [L.configHash]: networkHash(n) } })),
    volumes: Object.entries(project.volumes).filter(([, v]) => !v.external).map(([key, v]) => ({ name: v.name, labels: { [L.project]: project.name, [L.volume]: key, [L.configHash]: volumeHash(v) } })),
  };
}

/** The digests up-to-date replicas carry, as the caller would resolve them. */
export const digests = (project: Project): Record<string, string> => Object.fromEntries(Object.keys(project.services).map((s) => [s, `sha256:${s}`]));
