/**
 * The observed state as the planner needs it: a snapshot taken once before planning, so planning makes no
 * further calls (docker compose's ObservedState). Containers, networks and volumes are matched to the
 * project only through docker compose's labels and names; helpers here select them, without effects.
 */
import type { Project } from '../compose/types.js';
import { L } from './labels.js';

export type ObservedStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';
export type ObservedHealth = 'starting' | 'healthy' | 'unhealthy';

export interface ObservedContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  status: ObservedStatus;
  /** last exit code; null while it never exited */
  exitCode: number | null;
  /** null when the container has no healthcheck */
  health: ObservedHealth | null;
  /** the com.docker.compose.image label: the digest the container was created from */
  imageDigest?: string;
  /** names of the networks it is attached to (`demo_default`) */
  networks: string[];
  /** names of the named volumes it mounts (`demo_db`) */
  mounts: string[];
}

export interface ObservedNetwork { name: string; labels: Record<string, string>; configHash?: string }
export interface ObservedVolume {
  name: string;
  labels: Record<string, string>;
  /**
   * An anonymous volume of the project that no container uses: left by a recreate interrupted between
   * removing the old container and creating the new one (`down -v` removes it with the rest).
   */
  anonymous?: true;
}

export interface ObservedState {
  containers: ObservedContainer[];
  networks: ObservedNetwork[];
  volumes: ObservedVolume[];
}

export const emptyObserved = (): ObservedState => ({ containers: [], networks: [], volumes: [] });

export const isOneoff = (c: ObservedContainer): boolean => c.labels[L.oneoff] === 'True';
export const serviceOf = (c: ObservedContainer): string => c.labels[L.service] ?? '';

/** The replica number from its label; 0 when missing or invalid (such a container sorts first and is kept last). */
export function numberOf(c: ObservedContainer): number {
  const n = Number(c.labels[L.number]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * Every container of the project (one-offs included), by the project label. A kept pre_start hook container
 * (com.docker.compose.hook) is none of them, as docker compose lists only containers with a config hash.
 */
export function projectContainers(observed: ObservedState, project: string): ObservedContainer[] {
  return observed.containers.filter((c) => c.labels[L.project] === project && c.labels[L.hook] === undefined);
}

/** The service's replicas (no one-offs), lowest number first. */
export function serviceContainers(observed: ObservedState, project: string, service: string): ObservedContainer[] {
  return projectContainers(observed, project)
    .filter((c) => !isOneoff(c) && serviceOf(c) === service)
    .sort((a, b) => numberOf(a) - numberOf(b) || a.name.localeCompare(b.name));
}

/**
 * docker compose's orphans: replicas of services the project no longer has (disabled services are not
 * orphans), and one-off containers that have exited.
 */
export function orphanContainers(observed: ObservedState, project: Project): ObservedContainer[] {
  const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices ?? {})]);
  return projectContainers(observed, project.name)
    .filter((c) => (isOneoff(c) ? c.status === 'exited' || c.status === 'dead' : !known.has(serviceOf(c))))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export const findNetwork = (observed: ObservedState, name: string): ObservedNetwork | undefined => observed.networks.find((n) => n.name === name);
export const findVolume = (observed: ObservedState, name: string): ObservedVolume | undefined => observed.volumes.find((v) => v.name === name);

export const isUp = (c: ObservedContainer): boolean => c.status === 'running' || c.status === 'paused' || c.status === 'restarting';
