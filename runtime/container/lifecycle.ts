/**
 * start, stop, kill, restart, pause/unpause and wait. Stop and kill go through the shim's control socket (the
 * shim owns the process and the restart policy); a container whose shim is gone is started again with
 * `tscompose-shim run` on the same bundle.
 */
import { writeFileSync } from 'node:fs';
import { RuntimeError, wrapError } from '../errors.js';
import { paths } from '../store/paths.js';
import { withLock } from '../store/lock.js';
import { cgroupDir, cgroupVersion } from './cgroup-paths.js';
import { contextOf, openContainer, type OpenContainer } from './lookup.js';
import { parseSignal } from './signals.js';
import { ctlRequest, execShimChecked } from './shim-client.js';
import { readShimState, shimAlive, execRepairState } from './state.js';

const lockName = (id: string): string => `container-${id}`;

async function underLock<T>(ref: string, verb: string, fn: (c: OpenContainer, ctx: string) => Promise<T>): Promise<T> {
  const first = openContainer(ref, verb);
  return withLock(paths().locks, lockName(first.meta.id), async () => {
    const c = openContainer(first.meta.id, verb); // re-read under the lock
    const ctx = contextOf(c, verb);
    try {
      return await fn(c, ctx);
    } catch (e) {
      if (e instanceof RuntimeError && e.message.startsWith(ctx)) throw e;
      throw wrapError(ctx, e);
    }
  });
}

const isLive = (c: OpenContainer): boolean => !!c.state && shimAlive(c.state) && ['created', 'running', 'restarting', 'paused'].includes(c.state.status);

export async function startContainer(ref: string): Promise<void> {
  await underLock(ref, 'start', async (c) => {
    if (c.status === 'running' || c.status === 'restarting') return; // docker: starting a running container is a no-op
    if (c.status === 'paused') throw new RuntimeError('E_CONTAINER_PAUSED', 'cannot start a paused container, try unpause instead');
    if (c.state && c.state.status === 'created' && isLive(c)) await execShimChecked('start', c.bundle.dir);
    else await execShimChecked('run', c.bundle.dir); // never started, or exited: the shim builds it again
  });
}

export interface StopOptions {
  /** grace period before SIGKILL (default: the spec's stop_grace_period, else 10 s) */
  timeoutMs?: number;
  signal?: string | number;
}

export async function stopContainer(ref: string, opts: StopOptions = {}): Promise<void> {
  await underLock(ref, 'stop', async (c) => {
    if (!isLive(c)) return;
    if (c.status === 'paused') execFreeze(c.meta.id, false); // a frozen process cannot handle its stop signal
    const timeoutMs = opts.timeoutMs ?? c.meta.spec.stopGracePeriodMs ?? 10_000;
    const signal = parseSignal(opts.signal ?? c.meta.spec.stopSignal ?? c.meta.spec.image.stopSignal ?? 'SIGTERM');
    const reply = await ctlRequest(c.bundle.ctl, { op: 'stop', signal, timeoutMs }, timeoutMs + 30_000);
    if (!reply.ok) throw new RuntimeError('E_SHIM', reply.error ?? 'the shim refused to stop the container');
    await waitForShimExit(c, 30_000);
  });
}

export async function killContainer(ref: string, signal: string | number = 'SIGKILL'): Promise<void> {
  await underLock(ref, 'kill', async (c) => {
    if (!isLive(c) || c.status === 'created') throw new RuntimeError('E_CONTAINER_NOT_RUNNING', 'the container is not running');
    const sig = parseSignal(signal);
    if (c.status === 'paused' && sig === 9) execFreeze(c.meta.id, false);
    const reply = await ctlRequest(c.bundle.ctl, { op: 'kill', signal: sig }, 30_000);
    if (!reply.ok) throw new RuntimeError('E_SHIM', reply.error ?? 'the shim refused the signal');
  });
}

export async function restartContainer(ref: string, opts: StopOptions = {}): Promise<void> {
  await stopContainer(ref, opts);
  await startContainer(ref);
}

function execFreeze(id: string, frozen: boolean): void {
  const v = cgroupVersion();
  if (v === 'v2') writeFileSync(`${cgroupDir(v, id, '')}/cgroup.freeze`, frozen ? '1' : '0');
  else writeFileSync(`${cgroupDir(v, id, 'freezer')}/freezer.state`, frozen ? 'FROZEN' : 'THAWED');
}

export async function pauseContainer(ref: string): Promise<void> {
  await underLock(ref, 'pause', async (c) => {
    if (c.status === 'paused') throw new RuntimeError('E_CONTAINER_PAUSED', 'the container is already paused');
    if (c.status !== 'running' || !isLive(c)) throw new RuntimeError('E_CONTAINER_NOT_RUNNING', 'the container is not running');
    execFreeze(c.meta.id, true);
  });
}

export async function unpauseContainer(ref: string): Promise<void> {
  await underLock(ref, 'unpause', async (c) => {
    if (c.status !== 'paused') throw new RuntimeError('E_CONTAINER_NOT_PAUSED', 'the container is not paused');
    execFreeze(c.meta.id, false);
  });
}

async function waitForShimExit(c: OpenContainer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = readShimState(c.bundle);
    if (!s || !shimAlive(s)) return;
    if (Date.now() > deadline) throw new RuntimeError('E_SHIM_TIMEOUT', `the shim (pid ${s.shimPid}) did not exit within ${timeoutMs} ms after the container stopped`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface WaitResult { exitCode: number; signal: number | null; oomKilled: boolean; error: string | null }

/**
 * Resolves when the container has exited for good (its shim is gone: no restart will follow), like
 * `docker wait`. Polls state.json: the shim writes it atomically, so a read never sees half a file.
 */
export async function waitContainer(ref: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WaitResult> {
  const c = openContainer(ref, 'wait');
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const started = Date.now();
  let delay = 2;
  for (;;) {
    const raw = readShimState(c.bundle);
    const s = raw ? execRepairState(c.bundle, raw) : undefined;
    if (s && (s.status === 'exited' || s.status === 'dead') && !shimAlive(s)) {
      return { exitCode: s.exitCode ?? 0, signal: s.signal, oomKilled: s.oomKilled, error: s.error };
    }
    if (!s && !(await bundleExists(c))) throw new RuntimeError('E_NO_SUCH_CONTAINER', `wait container "${c.meta.name}": the container was removed`);
    if (opts.signal?.aborted) throw new RuntimeError('E_ABORTED', `wait container "${c.meta.name}": aborted`);
    if (Date.now() > deadline) throw new RuntimeError('E_WAIT_TIMEOUT', `wait container "${c.meta.name}": still running after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
    // short commands are the common case in `run`: poll tightly for a moment, then back off
    if (Date.now() - started > 200) delay = Math.min(delay * 2, 100);
  }
}

async function bundleExists(c: OpenContainer): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  return existsSync(c.bundle.meta);
}
