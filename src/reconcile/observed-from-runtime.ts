/**
 * A thin, effects-free mapping from the runtime's `listContainers` rows to the planner's observed
 * containers. The runtime's summary carries no networks or mounts; the collector (which reads them from
 * each container's spec) passes them in, so this file stays a pure mapping.
 */
import type { ContainerSummary } from '../../runtime/index.js';
import { L } from './labels.js';
import type { ObservedContainer } from './observed.js';

export interface ContainerAttachments {
  /** names of the networks the container is attached to */
  networks?: string[];
  /** names of the named volumes it mounts */
  mounts?: string[];
}

export function observedContainerFrom(summary: ContainerSummary, attachments: ContainerAttachments = {}): ObservedContainer {
  const state = summary.state;
  // a stop under way (asked for by a command killed before it finished: the shim carries it out anyway)
  // means the container is on its way out: the planner must not count it as up
  const stopping = summary.status === 'running' && state?.stopRequested === true;
  return {
    id: summary.id,
    name: summary.name,
    labels: summary.labels,
    status: stopping ? 'exited' : summary.status,
    exitCode: state && state.status !== 'running' && state.status !== 'created' ? state.exitCode : null,
    health: state?.health?.status ?? null,
    imageDigest: summary.labels[L.image],
    networks: [...(attachments.networks ?? [])].sort(),
    mounts: [...(attachments.mounts ?? [])].sort(),
  };
}
