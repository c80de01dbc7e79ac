/**
 * A real registry on loopback for e2e tests: Debian's docker-registry (distribution v2) on a free
 * 127.0.0.1 port, optionally behind htpasswd Basic auth, with its storage in a temp dir removed on stop().
 *
 *   const reg = await startRegistry({ auth: 'basic' });
 *   t.after(() => reg.stop());
 *   await pushImage(reg, image.layoutDir, 'library/busybox', 'latest');
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export { pushImage } from './registry-push.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface Registry {
  /** "127.0.0.1:PORT", as an image reference names it. */
  host: string;
  /** "http://127.0.0.1:PORT" */
  url: string;
  username?: string;
  password?: string;
  pid: number;
  /** Temp dir with the config, storage, htpasswd and log; removed by stop(). */
  dir: string;
  logPath: string;
  /** Kills the registry by its pid, waits for it, removes its dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RegistryOptions {
  auth?: 'basic';
  username?: string;
  password?: string;
  /** How long to wait for GET /v2/ to answer. */
  startTimeoutMs?: number;
}

/** A port that was free a moment ago (bind port 0, read it, close). The caller retries if it is taken since. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Pure: the registry's YAML config (JSON is YAML). */
export function registryConfig(opts: { port: number; storageDir: string; htpasswdPath?: string }): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: opts.storageDir },
      delete: { enabled: true },
      // No background scan of the upload dir: the registry lives for one test.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${opts.port}`, secret: randomBytes(16).toString('hex') },
  };
  if (opts.htpasswdPath) config.auth = { htpasswd: { realm: 'tscompose-test', path: opts.htpasswdPath } };
  return JSON.stringify(config, null, 2) + '\n';
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function readLog(logPath: string): Promise<string> {
  return (await readFile(logPath, 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
}

/** Polls GET /v2/ until it answers as a registry (200, or 401 when auth is on), the process dies, or the deadline. */
async function waitReady(url: string, child: ChildProcess, expect: number, deadline: number): Promise<'ready' | 'exited' | 'timeout'> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === expect && res.headers.get('docker-distribution-api-version') === 'registry/2.0') return 'ready';
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) return 'timeout';
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts docker-registry on a free loopback port and waits until it serves /v2/. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsc-registry-'));
  try {
    let htpasswdPath: string | undefined;
    const username = opts.auth === 'basic' ? (opts.username ?? 'tsctest') : undefined;
    const password = opts.auth === 'basic' ? (opts.password ?? randomBytes(9).toString('base64url')) : undefined;
    if (username !== undefined && password !== undefined) {
      htpasswdPath = path.join(dir, 'htpasswd');
      // bcrypt is the only hash distribution's htpasswd accepts.
      await writeFile(htpasswdPath, execFileSync('htpasswd', ['-Bbn', username, password]).toString().trim() + '\n', { mode: 0o600 });
    }
    const logPath = path.join(dir, 'registry.log');
    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      const configPath = path.join(dir, 'config.yml');
      await writeFile(configPath, registryConfig({ port, storageDir: path.join(dir, 'storage'), htpasswdPath }));
      const log = await open(logPath, 'a');
      // REGISTRY_* variables override the config file: keep the host's out.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
      const child = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', log.fd, log.fd], env });
      await log.close();
      if (!child.pid) throw new Error(`start registry: cannot run ${REGISTRY_BIN}`);
      child.on('error', () => {});
      const url = `http://127.0.0.1:${port}`;
      const state = await waitReady(url, child, htpasswdPath ? 401 : 200, deadline);
      if (state === 'ready') {
        let stopped: Promise<void> | undefined;
        const stop = () =>
          (stopped ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) {
              process.kill(child.pid!, 'SIGTERM');
              const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
              await exited(child);
              clearTimeout(timer);
            }
            await rm(dir, { recursive: true, force: true });
          })());
        return { host: `127.0.0.1:${port}`, url, username, password, pid: child.pid, dir, logPath, stop };
      }
      if (state === 'timeout') {
        child.kill('SIGKILL');
        await exited(child);
        throw new Error(`start registry on 127.0.0.1:${port}: no answer on /v2/ in time\n${await readLog(logPath)}`);
      }
      // Exited: most likely the port was taken between probing and binding; try another.
      const text = await readLog(logPath);
      if (attempt >= 3 || !/address already in use/i.test(text)) throw new Error(`start registry on 127.0.0.1:${port}: exited with ${child.exitCode ?? child.signalCode}\n${text}`);
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The Authorization header for a registry started with auth (empty object otherwise). */
export function authHeaders(reg: Pick<Registry, 'username' | 'password'>): Record<string, string> {
  if (reg.username === undefined) return {};
  return { authorization: `Basic ${Buffer.from(`${reg.username}:${reg.password ?? ''}`).toString('base64')}` };
}
