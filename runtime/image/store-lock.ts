/**
 * A small inter-process lock for the image stores: an exclusively created file holding the owner's pid.
 * A lock whose owner is gone (killed mid-pull) is taken over, so an interrupted pull never blocks the next.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs fn while holding the lock file; waits (polling) for a live owner up to timeoutMs. */
export async function withFileLock<T>(file: string, what: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const fh = await fs.open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isFinite(owner) && owner > 0 && owner !== process.pid && !alive(owner)) {
        // Stale: the owner died. Remove and retry; a racing taker loses the 'wx' open and waits.
        await fs.rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new RuntimeError('E_LOCK_TIMEOUT', `${what}: still locked by pid ${owner} after ${Math.round(timeoutMs / 1000)}s`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 200);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}
