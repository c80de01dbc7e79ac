/**
 * Observe: one snapshot of the runtime's containers, networks and volumes carrying this project's labels,
 * in the planner's terms. Attachments (networks, mounted named volumes) are read from the network and volume
 * records, where the runtime keeps them by container id.
 */
import { inspectContainer, listContainers, listNetworks, listVolumes } from '../../runtime/index.js';
import { L } from './labels.js';
import { observedContainerFrom } from './observed-from-runtime.js';
import type { ObservedState } from './observed.js';

export function collectObserved(project: string): ObservedState {
  const networks = listNetworks();
  const volumes = listVolumes();
  const listed = listContainers({ labels: [`${L.project}=${project}`], all: true });
  const ids = new Set(listed.map((c) => c.id));
  // a volume user that no longer exists (a down killed between remove and release) does not keep it; users are
  // nearly always this project's containers, so another container is looked up only in the rare other case
  const live = (id: string) => ids.has(id) || containerExists(id);
  const containers = listed.map((c) => observedContainerFrom(c, {
    // an endpoint still pending (its attach was interrupted) is no attachment: the planner recreates the container
    networks: networks.filter((n) => n.endpoints[c.id] && !n.endpoints[c.id]!.pending).map((n) => n.name),
    mounts: volumes.filter((v) => !v.anonymous && v.users.includes(c.id)).map((v) => v.name),
  }));
  return {
    containers,
    // networks and volumes by any project: the planner matches Compose names (external ones included).
    // A network whose create was interrupted (pending) matches no config: up removes and creates it again
    networks: networks.map((n) => ({ name: n.name, labels: n.labels, ...(n.pending ? { configHash: 'interrupted-create' } : n.labels[L.configHash] ? { configHash: n.labels[L.configHash] } : {}) })),
    volumes: [
      ...volumes.filter((v) => !v.anonymous).map((v) => ({ name: v.name, labels: v.labels })),
      ...volumes.filter((v) => v.anonymous && v.users.every((u) => !live(u)) && v.labels[L.project] === project).map((v) => ({ name: v.name, labels: v.labels, anonymous: true as const })),
    ],
  };
}

function containerExists(id: string): boolean {
  try {
    inspectContainer(id);
    return true;
  } catch {
    return false;
  }
}
