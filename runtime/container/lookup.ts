/** Finds a container by id, name or id prefix and reads its state, repairing it when its shim died. */
import { RuntimeError } from '../errors.js';
import { paths } from '../store/paths.js';
import type { ContainerStatus, ShimState } from '../types.js';
import type { BundlePaths } from './bundle.js';
import { findContainer, type ContainerMeta } from './meta.js';
import { execRepairState, isFrozen, readShimState } from './state.js';

export interface OpenContainer {
  bundle: BundlePaths;
  meta: ContainerMeta;
  state: ShimState | undefined;
  /** the status users see: state.json's, "paused" when frozen, "created" before any state exists */
  status: ContainerStatus;
}

export function statusOf(id: string, state: ShimState | undefined): ContainerStatus {
  if (!state) return 'created';
  if (state.status === 'running' && isFrozen(id)) return 'paused';
  return state.status;
}

export function openContainer(ref: string, verb: string): OpenContainer {
  const found = findContainer(paths().containers, ref);
  if (!found) throw new RuntimeError('E_NO_SUCH_CONTAINER', `${verb} container "${ref}": no such container`);
  const raw = readShimState(found.bundle);
  const state = raw ? execRepairState(found.bundle, raw) : undefined;
  return { ...found, state, status: statusOf(found.meta.id, state) };
}

export function contextOf(c: OpenContainer, verb: string): string {
  return `${verb} container "${c.meta.name}"`;
}
