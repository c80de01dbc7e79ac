/**
 * create / run: write the bundle (config.json, shim.json, meta.json, /etc files) and let the shim build the
 * container. A failure at any step removes everything created so far and names the container.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { RuntimeError, wrapError } from '../errors.js';
import { paths } from '../store/paths.js';
import { withLock } from '../store/lock.js';
import { writeJsonAtomic } from '../store/atomic.js';
import type { ContainerSpec, NamespaceMode } from '../types.js';
import { bundlePaths, ID_PATTERN, type BundlePaths } from './bundle.js';
import { execCleanupContainer } from './cleanup.js';
import { collectOciFacts, collectRuncPath } from './facts.js';
import { collectMetas, findContainer, writeMeta, type ContainerMeta } from './meta.js';
import { buildOciConfig, type OciFacts } from './oci-spec.js';
import { buildShimOptions } from './shim-options.js';
import { execShimChecked } from './shim-client.js';
import { containerProcessAlive, execRepairState, readShimState } from './state.js';

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const NAMES_LOCK = 'container-names';

function resolveJoin(mode: NamespaceMode | undefined, ns: string): string | undefined {
  if (mode?.mode !== 'container') return undefined;
  const found = findContainer(paths().containers, mode.container);
  if (!found) throw new RuntimeError('E_NO_SUCH_CONTAINER', `${ns} namespace: no such container "${mode.container}"`);
  const st = readShimState(found.bundle);
  const live = st ? execRepairState(found.bundle, st) : undefined;
  if (!live || !containerProcessAlive(live)) throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `${ns} namespace: container "${mode.container}" is not running`);
  return `/proc/${live.pid}/ns/${ns}`;
}

function writeEtcFiles(spec: ContainerSpec, b: BundlePaths): void {
  const rows: Array<[{ content?: string } | undefined, string]> = [
    [spec.hostsFile, 'hosts'], [spec.resolvConf, 'resolv.conf'], [spec.hostnameFile, 'hostname'],
  ];
  for (const [src, file] of rows) {
    if (src?.content !== undefined) writeFileSync(`${b.dir}/${file}`, src.content, { mode: 0o644 });
  }
}

export interface CreateOptions {
  /** also start it (`tscompose-shim run`): the fast path used by `up` */
  start?: boolean;
}

export async function createContainer(spec: ContainerSpec, opts: CreateOptions = {}): Promise<ContainerMeta> {
  const ctx = `create container "${spec.name}"`;
  if (!ID_PATTERN.test(spec.id)) throw new RuntimeError('E_CONTAINER_ID', `${ctx}: invalid id "${spec.id}" (want 64 lowercase hex)`);
  if (!NAME_PATTERN.test(spec.name)) throw new RuntimeError('E_CONTAINER_NAME', `${ctx}: invalid name (allowed: [a-zA-Z0-9][a-zA-Z0-9_.-]*)`);
  const p = paths();
  const b = bundlePaths(p.containers, spec.id);
  // The names lock covers only the clash check and the record (meta.json reserves the name); the shim runs
  // outside it, so `up` creates containers in parallel instead of one shim at a time.
  const meta = await withLock(p.locks, NAMES_LOCK, async () => {
    const clash = collectMetas(p.containers).find((c) => c.meta.name === spec.name || c.meta.id === spec.id);
    if (clash) {
      throw new RuntimeError('E_CONTAINER_CONFLICT', `${ctx}: the name is already in use by container ${clash.meta.id.slice(0, 12)}`, { hint: 'remove that container or choose another name' });
    }
    // pure first: a bad spec leaves nothing on disk
    const join: OciFacts['joinNamespaces'] = {};
    let config: Record<string, unknown>;
    let shim: ReturnType<typeof buildShimOptions>;
    try {
      join.network = resolveJoin(spec.network, 'net');
      join.pid = resolveJoin(spec.pid, 'pid');
      join.ipc = resolveJoin(spec.ipc, 'ipc');
      config = buildOciConfig(spec, collectOciFacts(spec, b, join));
      shim = buildShimOptions(spec, b, spec.runtime === 'runc' ? { runcPath: collectRuncPath() } : {});
    } catch (e) {
      if (e instanceof RuntimeError && e.message.startsWith(ctx)) throw e;
      throw wrapError(ctx, e);
    }
    mkdirSync(p.containers, { recursive: true, mode: 0o711 });
    try {
      mkdirSync(b.dir, { mode: 0o700 });
    } catch (e) {
      throw wrapError(`${ctx}: bundle ${b.dir}`, e);
    }
    try {
      writeEtcFiles(spec, b);
      // not durable: a bundle half-written when the host crashed is garbage either way (remove cleans it)
      writeJsonAtomic(b.config, config, { mode: 0o600, durable: false });
      writeJsonAtomic(b.shim, shim, { mode: 0o600, durable: false });
      return writeMeta(b, spec, new Date());
    } catch (e) {
      await execCleanupContainer(b, spec.id).catch(() => { /* report the first failure, not the cleanup's */ });
      throw wrapError(ctx, e, 'E_CREATE');
    }
  });
  try {
    await execShimChecked(opts.start ? 'run' : 'create', b.dir);
    return meta;
  } catch (e) {
    await execCleanupContainer(b, spec.id).catch(() => { /* report the first failure, not the cleanup's */ });
    throw wrapError(ctx, e, 'E_CREATE');
  }
}

/** create + start in one shim invocation (the fast path used by `up`). */
export function runContainer(spec: ContainerSpec): Promise<ContainerMeta> {
  return createContainer(spec, { start: true });
}
