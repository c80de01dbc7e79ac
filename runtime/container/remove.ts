/** remove: refuses a running container unless forced (then kills it); removes bundle, upper/work, logs, cgroups. */
import { RuntimeError, wrapError } from '../errors.js';
import { paths } from '../store/paths.js';
import { withLock } from '../store/lock.js';
import { execReleaseContainer, execRetireBundle } from './cleanup.js';
import { contextOf, openContainer } from './lookup.js';
import { ctlRequest } from './shim-client.js';
import { containerProcessAlive, readShimState, shimAlive } from './state.js';

export async function removeContainer(ref: string, opts: { force?: boolean } = {}): Promise<void> {
  const first = openContainer(ref, 'remove');
  const p = paths();
  // No names lock: the bundle leaves the containers dir in one rename (execRetireBundle), which is all a
  // concurrent create's name check can see, so 30 removals run side by side.
  await withLock(p.locks, `container-${first.meta.id}`, async () => {
    const c = openContainer(first.meta.id, 'remove');
    const ctx = contextOf(c, 'remove');
    const s = c.state;
    const live = !!s && shimAlive(s) && s.status !== 'exited' && s.status !== 'dead';
    if (live && c.status !== 'created' && !opts.force) {
      throw new RuntimeError('E_CONTAINER_RUNNING', `${ctx}: the container is ${c.status}`, { hint: 'stop it first, or remove it with force' });
    }
    try {
      if (live) {
        // kill via the shim so it records the exit and closes its logs; stopRequested keeps it from restarting
        try { await ctlRequest(c.bundle.ctl, { op: 'kill', signal: 9 }, 10_000); } catch { /* the cleanup below kills the cgroup */ }
        const deadline = Date.now() + 10_000;
        for (;;) {
          const now = readShimState(c.bundle);
          if (!now || !shimAlive(now)) break;
          if (Date.now() > deadline) { try { process.kill(now.shimPid, 'SIGKILL'); } catch { /* gone */ } break; }
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      const last = readShimState(c.bundle);
      if (last && containerProcessAlive(last)) { try { process.kill(last.pid, 'SIGKILL'); } catch { /* gone */ } }
      await execReleaseContainer(c.bundle, c.meta.id);
      await execRetireBundle(c.bundle, c.meta.id);
    } catch (e) {
      throw wrapError(ctx, e);
    }
  });
}
