/**
 * Reading a container's state. state.json belongs to the shim; the runtime only checks it against reality:
 * when the shim recorded in it is gone (pid + start time no longer match, e.g. it was killed with -9) while the
 * state still says the container lives, the container is treated as exited — and, under the container lock,
 * that verdict is written back (nobody else will ever write this file again) after the orphaned container
 * process is killed, so a dead shim never leaves a running, unmonitored container.
 */
import { readFileSync } from 'node:fs';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic.js';
import { isSameProcessAlive } from '../store/pid-identity.js';
import type { ShimState } from '../types.js';
import type { BundlePaths } from './bundle.js';
import { cgroupDir, cgroupVersion } from './cgroup-paths.js';

const LIVE = new Set(['created', 'running', 'restarting', 'paused']);

export function readShimState(b: BundlePaths): ShimState | undefined {
  return readJsonIfExists<ShimState>(b.state);
}

export function shimAlive(s: ShimState): boolean {
  return isSameProcessAlive({ pid: s.shimPid, startTime: s.shimStartTime });
}

export function containerProcessAlive(s: ShimState): boolean {
  return s.pid > 0 && isSameProcessAlive({ pid: s.pid, startTime: s.pidStartTime });
}

/** Pure: the state a dead shim should have left. */
export function planShimLostState(s: ShimState, now: Date): ShimState {
  return {
    ...s,
    status: 'exited',
    pid: 0,
    exitCode: s.exitCode ?? 137,
    signal: s.signal ?? 9,
    finishedAt: s.finishedAt ?? now.toISOString(),
    error: s.error ?? 'the container monitor (shim) died; the container was killed',
    health: s.health ? { ...s.health, status: 'unhealthy' } : null,
  };
}

/** Effect: when the shim died, kill the orphaned container process and persist the exited verdict. */
export function execRepairState(b: BundlePaths, s: ShimState): ShimState {
  if (!LIVE.has(s.status) || shimAlive(s)) return s;
  if (containerProcessAlive(s)) {
    try { process.kill(s.pid, 'SIGKILL'); } catch { /* exited meanwhile */ }
  }
  const fixed = planShimLostState(s, new Date());
  writeJsonAtomic(b.state, fixed);
  return fixed;
}

/** Paused is not the shim's to know: the freezer says it. */
export function isFrozen(id: string): boolean {
  const v = cgroupVersion();
  try {
    if (v === 'v2') return readFileSync(`${cgroupDir(v, id, '')}/cgroup.freeze`, 'utf8').trim() === '1';
    return readFileSync(`${cgroupDir(v, id, 'freezer')}/freezer.state`, 'utf8').trim() === 'FROZEN';
  } catch {
    return false;
  }
}
