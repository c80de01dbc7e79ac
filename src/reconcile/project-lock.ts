/**
 * One lock per project: commands that change a project (up, down) run one at a time; a second one says
 * what it waits for and waits, and different projects run in parallel.
 */
import { RuntimeError, paths, withLock } from '../../runtime/index.js';

const WAIT_MS = 15 * 60_000;

export async function withProjectLock<T>(project: string, onWait: (message: string) => void, fn: () => Promise<T>): Promise<T> {
  const name = `project-${project}`;
  let entered = false;
  const run = () => { entered = true; return fn(); };
  try {
    return await withLock(paths().locks, name, run, { timeoutMs: 0 });
  } catch (e) {
    if (entered || !(e instanceof RuntimeError) || e.code !== 'E_LOCK_TIMEOUT') throw e;
  }
  onWait(`waiting for another tscompose command working on project "${project}" to finish`);
  return withLock(paths().locks, name, fn, { timeoutMs: WAIT_MS });
}
