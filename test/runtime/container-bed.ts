/**
 * The shared set-up of the runtime/container e2e files: a private TSCOMPOSE_ROOT (set before the runtime is
 * first imported, since paths() reads it once), a busybox rootfs, spec factories whose containers this file owns,
 * and a leak check narrowed to those containers.
 */
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRootfs } from './shim-fixture.js';
import type { ContainerSpec } from '../../runtime/index.js';

export async function containerBed(owner: string, namePrefix: string) {
  const testRoot = fs.mkdtempSync(path.join(os.tmpdir(), `tsc-${namePrefix}-`));
  process.env.TSCOMPOSE_ROOT = path.join(testRoot, 'state');
  after(() => fs.rmSync(testRoot, { recursive: true, force: true }));
  const rt = await import('../../runtime/index.js');

  /**
   * The host is shared with other sessions running their own containers: judge only what names this file's
   * objects (its temp root or one of its container ids: shims, mounts, cgroups). That narrowing also lets the
   * check skip the machine-wide e2e lock, which other suites may hold for minutes.
   */
  const ownIds = new Set<string>();
  const leakOpts = { exclusive: false, only: (e: string) => e.includes(testRoot) || [...ownIds].some((id) => e.includes(id)) };

  let rootfs: string | undefined;
  const busybox = (): string => (rootfs ??= makeRootfs(testRoot));

  function spec(cmd: string[], over: Partial<ContainerSpec> = {}): ContainerSpec {
    const id = randomBytes(32).toString('hex');
    ownIds.add(id);
    return {
      id,
      name: `${namePrefix}-${id.slice(0, 10)}`,
      labels: { 'test.owner': owner, 'test.id': id },
      image: { lowerDirs: [busybox()], plain: true, env: [], entrypoint: null, cmd, user: '', workingDir: '', stopSignal: null, healthcheck: null },
      resolvConf: { content: 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' },
      ...over,
    };
  }

  /** Registers removal of the container (forced) before the leak check runs. */
  function owned(guard: { defer(fn: () => unknown): void }, s: ContainerSpec): ContainerSpec {
    guard.defer(async () => {
      try { await rt.removeContainer(s.id, { force: true }); } catch (e) { if (!/no such container/.test((e as Error).message)) throw e; }
    });
    return s;
  }

  async function collectLogs(ref: string): Promise<string> {
    let out = '';
    for await (const e of rt.readLogs(ref)) out += e.log;
    return out;
  }

  return { rt, testRoot, ownIds, leakOpts, busybox, spec, owned, collectLogs };
}

export async function eventually<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
