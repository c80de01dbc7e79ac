/**
 * The container half of restore (after a host reboot): which containers come back (pure), and bringing one
 * back: a new container process from the same bundle (`tscompose-shim create`, so its writable layer, logs
 * and restart count carry over), its secrets and configs written again from what create kept, a hook to attach its networks while the process waits, then start.
 */
import { readFileSync } from 'node:fs';
import { RuntimeError, wrapError } from '../errors.js';
import { paths } from '../store/paths.js';
import { withLock } from '../store/lock.js';
import { writeJsonAtomic } from '../store/atomic.js';
import type { ContainerSpec, NamespaceMode, ShimState } from '../types.js';
import { findContainer, type ContainerMeta } from './meta.js';
import { contextOf, openContainer } from './lookup.js';
import { execShimChecked, ctlRequest } from './shim-client.js';
import { containerProcessAlive, execRepairState, readShimState, shimAlive } from './state.js';
import { execRemakeSecrets } from './secret-record.js';

export type RestoreVerdict = 'restore' | 'running' | 'stopped' | 'policy';

/**
 * Pure: docker brings back, at daemon start, the containers whose policy is always or unless-stopped; here,
 * as the issue asks, only those not stopped explicitly (a stop or kill sets stopRequested). A container
 * that never ran stays created.
 */
export function planRestoreVerdict(spec: ContainerSpec, state: ShimState | null | undefined, shimLives: boolean): RestoreVerdict {
  const policy = spec.restart?.policy ?? 'no';
  if (policy !== 'always' && policy !== 'unless-stopped') return 'policy';
  if (!state || !state.startedAt) return 'stopped';
  if (shimLives && state.status !== 'exited' && state.status !== 'dead') return 'running';
  if (state.stopRequested) return 'stopped';
  return 'restore';
}

/** Pure: the container a namespace joins (network_mode/pid/ipc: container:<x>), if any. */
function joined(mode: NamespaceMode | undefined): string | undefined {
  return mode?.mode === 'container' ? mode.container : undefined;
}

/** Pure: containers that join another container's namespaces come after the ones they join. */
export function planRestoreOrder(metas: ContainerMeta[]): ContainerMeta[] {
  const joins = (m: ContainerMeta) => [joined(m.spec.network), joined(m.spec.pid), joined(m.spec.ipc)].filter((x): x is string => !!x);
  const out: ContainerMeta[] = [];
  const placed = new Set<string>();
  let left = [...metas];
  while (left.length > 0) {
    const names = new Set(left.flatMap((m) => [m.id, m.name]));
    const ready = left.filter((m) => joins(m).every((j) => !names.has(j)));
    const batch = ready.length > 0 ? ready : left; // a cycle cannot start anyway: let each fail on its own
    for (const m of batch) { out.push(m); placed.add(m.id); }
    left = left.filter((m) => !placed.has(m.id));
  }
  return out;
}

const NS_KEYS: Record<string, 'network' | 'pid' | 'ipc'> = { network: 'network', pid: 'pid', ipc: 'ipc' };
const NS_FILE: Record<string, string> = { network: 'net', pid: 'pid', ipc: 'ipc' };

/** config.json names joined namespaces as /proc/<pid>/ns/...: point them at the joined containers' new processes. */
function execRefreshJoins(configFile: string, spec: ContainerSpec, ctx: string): void {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { linux?: { namespaces?: Array<{ type: string; path?: string }> } };
  let changed = false;
  for (const ns of config.linux?.namespaces ?? []) {
    const key = NS_KEYS[ns.type];
    const target = key ? joined(spec[key]) : undefined;
    if (!ns.path || !target) continue;
    const found = findContainer(paths().containers, target);
    const st = found ? readShimState(found.bundle) : undefined;
    if (!st || !containerProcessAlive(st)) throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `${ctx}: ${ns.type} namespace: container "${target}" is not running`);
    ns.path = `/proc/${st.pid}/ns/${NS_FILE[ns.type]}`;
    changed = true;
  }
  if (changed) writeJsonAtomic(configFile, config, { mode: 0o600, durable: false });
}

/**
 * A new process for a container whose shim is gone: created, handed to `attach` (its pid, waiting for start),
 * then started. If attach or start fails the new process is killed again, so nothing half-restored runs.
 */
export async function execRestoreContainer(id: string, attach: (pid: number) => Promise<void>): Promise<void> {
  await withLock(paths().locks, `container-${id}`, async () => {
    const c = openContainer(id, 'restore');
    const ctx = contextOf(c, 'restore');
    if (c.state && shimAlive(c.state) && c.state.status !== 'exited') return;
    try {
      if (c.state) execRepairState(c.bundle, c.state);
      execRefreshJoins(c.bundle.config, c.meta.spec, ctx);
      // its secrets and configs lived under the run dir: the new process binds them again
      execRemakeSecrets(c.meta.id, c.meta.spec);
      await execShimChecked('create', c.bundle.dir);
    } catch (e) {
      throw e instanceof RuntimeError && e.message.startsWith(ctx) ? e : wrapError(ctx, e);
    }
    try {
      const st = readShimState(c.bundle);
      if (!st || !st.pid) throw new RuntimeError('E_RESTORE', 'no container process after create');
      await attach(st.pid);
      await execShimChecked('start', c.bundle.dir);
    } catch (e) {
      await ctlRequest(c.bundle.ctl, { op: 'kill', signal: 9 }, 10_000).catch(() => undefined);
      throw e instanceof RuntimeError && e.message.startsWith(ctx) ? e : wrapError(ctx, e);
    }
  });
}
