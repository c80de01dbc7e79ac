/**
 * Networks and volumes for `up`: create the missing ones, recreate a network whose config hash diverged
 * (after removing the project containers attached to it: a network in use cannot be removed; the
 * container phase then creates them afresh), keep a diverged volume with a warning (recreating it loses
 * data; docker compose asks first), and never touch external ones, which must exist.
 */
import { createHash } from 'node:crypto';
import { stableJson } from '../compose/hash.js';
import type { NetworkConfig, Project, VolumeConfig } from '../compose/types.js';
import { UserError } from '../errors.js';
import { L } from './labels.js';
import { containerResource, networkResource, volumeResource, type PlanBuilder } from './plan-model.js';
import { findNetwork, findVolume, isUp, numberOf, projectContainers, serviceOf, type ObservedContainer, type ObservedState } from './observed.js';

/** The config hash stored in a network's com.docker.compose.config-hash label (without x-* extensions). */
export function networkHash(n: NetworkConfig): string {
  return hashOf(n as unknown as Record<string, unknown>);
}

export function volumeHash(v: VolumeConfig): string {
  return hashOf({ driver: 'local', ...(v as unknown as Record<string, unknown>) });
}

function hashOf(config: Record<string, unknown>): string {
  const plain = Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith('x-')));
  return createHash('sha256').update(stableJson(plain)).digest('hex');
}

/** The network and volume keys the given services use, sorted. */
export function usedResources(project: Project, services: string[]): { networks: string[]; volumes: string[] } {
  const networks = new Set<string>();
  const volumes = new Set<string>();
  for (const name of services) {
    const s = project.services[name]!;
    if (!s.network_mode) for (const key of Object.keys(s.networks ?? {})) if (project.networks[key]) networks.add(key);
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source && project.volumes[v.source]) volumes.add(v.source);
  }
  return { networks: [...networks].sort(), volumes: [...volumes].sort() };
}

export interface ResourceSteps {
  /** key → the step that creates it (absent when it already exists) */
  networks: Map<string, number>;
  volumes: Map<string, number>;
  /** containers removed because a network they were attached to is recreated: id → network name */
  removed: Map<string, string>;
}

export function planNetworksAndVolumes(b: PlanBuilder, project: Project, observed: ObservedState, used: { networks: string[]; volumes: string[] }): ResourceSteps {
  const out: ResourceSteps = { networks: new Map(), volumes: new Map(), removed: new Map() };
  for (const key of used.networks) {
    const desired = project.networks[key]!;
    const live = findNetwork(observed, desired.name);
    if (desired.external) {
      if (!live) throw new UserError('E_EXTERNAL_NETWORK', `network ${desired.name} declared as external, but could not be found`, { hint: `create it first, or remove "external: true" from networks.${key}` });
      continue;
    }
    if (!live) {
      out.networks.set(key, b.add({ op: 'create-network', resource: networkResource(desired.name), reason: 'not found', name: desired.name, key }));
      continue;
    }
    const liveHash = live.configHash ?? live.labels[L.configHash];
    if (!liveHash || liveHash === networkHash(desired)) continue;
    const removals = planRemoveAttached(b, projectContainers(observed, project.name).filter((c) => c.networks.includes(desired.name)), `network ${desired.name} config changed`);
    for (const id of removals.ids) out.removed.set(id, desired.name);
    const rm = b.add({ op: 'remove-network', resource: networkResource(desired.name), reason: 'config hash diverged', name: desired.name, key }, removals.steps);
    out.networks.set(key, b.add({ op: 'create-network', resource: networkResource(desired.name), reason: 'recreate after config change', name: desired.name, key }, [rm]));
  }
  for (const key of used.volumes) {
    const desired = project.volumes[key]!;
    const live = findVolume(observed, desired.name);
    if (desired.external) {
      if (!live) throw new UserError('E_EXTERNAL_VOLUME', `external volume "${desired.name}" not found`, { hint: `create it first, or remove "external: true" from volumes.${key}` });
      continue;
    }
    if (!live) {
      out.volumes.set(key, b.add({ op: 'create-volume', resource: volumeResource(desired.name), reason: 'not found', name: desired.name, key }));
      continue;
    }
    const liveHash = live.labels[L.configHash];
    if (liveHash && liveHash !== volumeHash(desired)) {
      b.warn(`volume "${desired.name}" exists but doesn't match configuration in compose file; kept as is (remove it to recreate it; its data will be lost)`);
    }
  }
  return out;
}

function planRemoveAttached(b: PlanBuilder, containers: ObservedContainer[], reason: string): { ids: string[]; steps: number[] } {
  const steps: number[] = [];
  for (const c of containers) {
    const who = { resource: containerResource(c.name), reason, containerId: c.id, service: serviceOf(c), number: numberOf(c) };
    const stop = isUp(c) ? b.add({ op: 'stop-container', ...who }) : undefined;
    steps.push(b.add({ op: 'remove-container', ...who }, [stop]));
  }
  return { ids: containers.map((c) => c.id), steps };
}
