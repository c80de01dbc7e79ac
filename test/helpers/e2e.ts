/**
 * Isolation for one e2e test: its own TSCOMPOSE_ROOT under a fresh temp dir, a unique project name,
 * and (as root) the leak check around it.
 *
 *   test('up starts redis', { skip: needsRoot }, async (t) => {
 *     const e = await e2eEnv(t);                 // cleanup runs in t.after, also when the test fails
 *     await tscompose(['-p', e.project, 'up', '-d'], { env: e.env, cwd });
 *     e.defer(() => tscompose(['-p', e.project, 'down'], { env: e.env }));   // before the leak check
 *     await eventually(async () => assert.equal(await ping(), 'PONG'));
 *   });
 *
 * cleanup() runs the deferred steps (last first), unmounts whatever is still mounted under the root
 * (deepest first), removes the root, then checks for leaks; anything it had to unmount is reported as
 * a leak too, so the test fails while the machine is left clean.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { parseMountinfo } from './host-snapshot.js';
import { leakGuard, type GuardOptions, type LeakGuard } from './leak-check.js';
import { isRoot } from './root.js';

export interface E2eEnv {
  /** The temp dir used as TSCOMPOSE_ROOT. */
  root: string;
  /** "t" + 8 random hex digits. */
  project: string;
  /** Environment for the CLI: { TSCOMPOSE_ROOT: root }. */
  env: { TSCOMPOSE_ROOT: string };
  /** The leak guard (undefined when the leak check is off). */
  guard: LeakGuard | undefined;
  /** A cleanup step to run before the leak check (last registered runs first). */
  defer(fn: () => unknown): void;
  /** Deferred steps, unmount leftovers, remove the root, leak check. Throws with everything found. Idempotent. */
  cleanup(): Promise<void>;
}

export interface E2eOptions extends GuardOptions {
  /** Run the leak check (default: when root, since only root can read iptables and make kernel objects). */
  leakCheck?: boolean;
}

/** Pure: mount points at or under `dir`, deepest first (stacked mounts repeat, so each is unmounted). */
export function mountsUnder(mountPoints: string[], dir: string): string[] {
  const inside = mountPoints.filter((m) => m === dir || m.startsWith(`${dir}/`));
  // Later lines of mountinfo are newer: reverse first, so stacked mounts come off top first.
  return inside.reverse().sort((a, b) => b.split('/').length - a.split('/').length);
}

function umount(point: string, lazy: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('umount', lazy ? ['-l', point] : [point], (err, _out, stderr) => (err ? reject(new Error(`umount ${point}: ${String(stderr).trim() || err.message}`)) : resolve()));
  });
}

/** Unmounts everything under `dir`; returns what it found (as leak lines) and what it could not remove. */
export async function unmountUnder(dir: string): Promise<{ found: string[]; errors: string[] }> {
  const found: string[] = [];
  const errors: string[] = [];
  const points = mountsUnder(parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8')).mounts, dir);
  for (const p of points) {
    found.push(`mount ${p} (still mounted at cleanup; unmounted)`);
    try {
      await umount(p, false);
    } catch {
      // Busy (a leaked process keeps it open): detach so the dir can go; the leak is reported anyway.
      await umount(p, true).catch((e: Error) => errors.push(e.message));
    }
  }
  return { found, errors };
}

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

/** A fresh root and project for one test; with `t`, cleanup is registered in t.after. */
export async function e2eEnv(t?: TestContext, opts: E2eOptions = {}): Promise<E2eEnv> {
  const guard = (opts.leakCheck ?? isRoot) ? await leakGuard(opts) : undefined;
  const root = await mkdtemp(path.join(os.tmpdir(), 'tsc-e2e-'));
  const project = `t${randomBytes(4).toString('hex')}`;
  const steps: Array<() => unknown> = [];
  let done: Promise<void> | undefined;
  // `network create` turns IPv4 forwarding on, as docker does; a test leaves the host's setting as it found it.
  const forwardBefore = isRoot ? await readFile(IP_FORWARD, 'utf8').catch(() => undefined) : undefined;

  const runCleanup = async () => {
    const problems: string[] = [];
    while (steps.length > 0) {
      try {
        await steps.pop()!();
      } catch (e) {
        problems.push(`cleanup step failed: ${(e as Error).message}`);
      }
    }
    const { found, errors } = await unmountUnder(root);
    problems.push(...found, ...errors);
    await rm(root, { recursive: true, force: true }).catch((e: Error) => problems.push(`remove ${root}: ${e.message}`));
    if (forwardBefore !== undefined) await writeFile(IP_FORWARD, forwardBefore).catch((e: Error) => problems.push(`restore ${IP_FORWARD}: ${e.message}`));
    if (guard) await guard.check().catch((e: Error) => problems.push(e.message));
    if (problems.length > 0) throw new Error(`e2e project ${project} (root ${root}):\n  ${problems.join('\n  ')}`);
  };

  const env: E2eEnv = {
    root,
    project,
    env: { TSCOMPOSE_ROOT: root },
    guard,
    defer: (fn) => void steps.push(fn),
    cleanup: () => (done ??= runCleanup()),
  };
  t?.after(() => env.cleanup());
  return env;
}

/**
 * Retries `check` until it stops throwing (returns its value) or the deadline passes (throws its last
 * error). For waiting on real processes on a loaded machine instead of sleeping.
 */
export async function eventually<T>(check: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
