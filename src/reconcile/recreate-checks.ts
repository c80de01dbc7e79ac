/**
 * Must this container be recreated? docker compose's mustRecreate as a checklist, in its order: policy,
 * a namespace/volumes_from parent recreated, config hash, image digest, networks (only while running, as docker compose), named volumes. The first check
 * that fires is the verdict, so the plan says why. Nothing is stored beyond the hash, so which config field
 * changed can only be told where the container still shows it: its own labels.
 */
import type { ServiceConfig } from '../compose/types.js';
import type { RecreateCheck } from './plan-model.js';
import type { ObservedContainer } from './observed.js';
import { L } from './labels.js';

export type RecreatePolicy = 'diverged' | 'force' | 'never';

export interface RecreateInput {
  policy: RecreatePolicy;
  /** the flag that set a force policy, for the reason text */
  policySource?: string;
  service: ServiceConfig;
  container: ObservedContainer;
  expectedHash: string;
  /** undefined when the image is not resolved yet (to be pulled): no image check */
  expectedDigest?: string;
  /** names of the networks the container must be attached to */
  expectedNetworks: string[];
  /** names of the named volumes it must mount */
  expectedVolumes: string[];
  /** parents recreated in this plan that it shares a namespace or volumes with: service → key (network_mode, volumes_from, …) */
  recreatedParents: Map<string, string>;
}

export interface RecreateVerdict { check: RecreateCheck; reason: string; field?: string }

export function checkRecreate(i: RecreateInput): RecreateVerdict | undefined {
  if (i.policy === 'never') return undefined;
  if (i.policy === 'force') return { check: 'policy', reason: `forced (${i.policySource ?? '--force-recreate'})` };
  const [parent, via] = [...i.recreatedParents][0] ?? [];
  if (parent) return { check: 'parent', reason: `${via} parent ${parent} recreated` };
  if (i.container.labels[L.configHash] !== i.expectedHash) {
    const field = labelsDiffer(i.service, i.container) ? 'labels' : undefined;
    return { check: 'config', field, reason: field ? `config changed (${field})` : 'config changed' };
  }
  if (i.expectedDigest !== undefined && i.container.imageDigest !== i.expectedDigest) return { check: 'image', reason: 'image digest changed' };
  if (i.container.status === 'running') {
    const missing = i.expectedNetworks.find((n) => !i.container.networks.includes(n));
    if (missing) return { check: 'network', reason: `network ${missing} not attached` };
  }
  const unmounted = i.expectedVolumes.find((v) => !i.container.mounts.includes(v));
  if (unmounted) return { check: 'mount', reason: `volume ${unmounted} not mounted` };
  return undefined;
}

/** The user's labels as the container shows them (compose's own labels left out) against the service's. */
function labelsDiffer(service: ServiceConfig, c: ObservedContainer): boolean {
  const have = Object.entries(c.labels).filter(([k]) => !k.startsWith('com.docker.compose.')).sort();
  const want = Object.entries(service.labels ?? {}).sort();
  return JSON.stringify(have) !== JSON.stringify(want);
}
