/**
 * A machine-wide lock that serialises leak-checked e2e tests: the leak check diffs the whole host, so two
 * such tests running at once (parallel test files, or two test runs) would report each other's objects.
 * Held by a `flock` child process that keeps the lock while its stdin is open: if the test process dies,
 * the pipe closes and the kernel releases the lock, so a crash never leaves the machine locked.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

// The lock file's name must not match the leak check's process-name pattern (tscompose|busybox|…), or
// other tests' lock waiters (`flock … <lock>`) would be reported as leaks.
export const HOST_LOCK_PATH = process.env.TSCOMPOSE_TEST_LOCK || path.join(os.tmpdir(), 'tsc-e2e-host.lock');

/** Locks this process holds now: a wait while one is held is most likely a test nesting two guards. */
let heldHere = 0;

export interface HostLock {
  release(): Promise<void>;
}

/** Waits (up to timeoutMs) for the exclusive host lock. */
export function acquireHostLock(opts: { timeoutMs?: number; lockPath?: string } = {}): Promise<HostLock> {
  const lockPath = opts.lockPath ?? HOST_LOCK_PATH;
  const timeoutSec = Math.max(1, Math.ceil((opts.timeoutMs ?? 15 * 60_000) / 1000));
  // flock creates the file; the inner shell says "locked" and then holds the lock as long as stdin is open.
  const child = spawn('flock', ['-x', '-w', String(timeoutSec), lockPath, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => reject(new Error(`host lock ${lockPath}: ${e.message}`)));
    child.once('exit', (code) => {
      if (out.includes('locked')) return;
      const hint = heldHere > 0 ? ' (this process already holds it: use one leak guard per test; e2eEnv has one)' : '';
      reject(new Error(`host lock ${lockPath}: not acquired in ${timeoutSec}s${hint} (flock exit ${code}) ${err.trim()}`));
    });
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('locked')) return;
      // Do not keep the event loop alive for the lock alone.
      child.unref();
      child.stdout.destroy();
      child.stderr.destroy();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      let released: Promise<void> | undefined;
      heldHere++;
      resolve({
        release: () =>
          (released ??= (async () => {
            child.ref();
            child.stdin.end();
            await exited;
            heldHere--;
          })()),
      });
    });
  });
}
