/**
 * What goes into the stock test images, gathered from this host's Debian packages (no Docker, no network):
 * busybox from busybox-static with one symlink per applet, and redis-server/redis-cli with every library
 * ldd names (paths kept, dynamic loader included).
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { withParents, type FileEntry } from './image-layer.js';
import type { ImageRunConfig } from './image-write.js';

export interface ImageSpec {
  /** Repository name in the archive's RepoTags and the cache dir name. */
  name: string;
  tag?: string;
  /** Bottom layer first. */
  layers: FileEntry[][];
  config: ImageRunConfig;
}

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const BUSYBOX_BIN = '/bin/busybox';
export const REDIS_SERVER_BIN = '/usr/bin/redis-server';
export const REDIS_CLI_BIN = '/usr/bin/redis-cli';

function need(cmd: string, pkg: string): string {
  try {
    return realpathSync(cmd);
  } catch {
    throw new Error(`image kit: ${cmd} not found; install the Debian package ${pkg} (apt-get install -y ${pkg})`);
  }
}

/** Pure: the applet paths of `busybox --list-full` output (relative, without busybox itself). */
export function parseAppletList(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'bin/busybox');
}

export function busyboxSpec(): ImageSpec {
  const bin = need(BUSYBOX_BIN, 'busybox-static');
  const applets = parseAppletList(execFileSync(bin, ['--list-full']).toString());
  const files: FileEntry[] = [
    { path: 'bin/busybox', hostPath: bin, mode: 0o755 },
    ...applets.map((a): FileEntry => ({ path: a, type: 'symlink', target: '/bin/busybox' })),
    { path: 'etc', type: 'dir' },
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { path: 'etc/group', content: 'root:x:0:\nnobody:x:65534:\n' },
    { path: 'root', type: 'dir', mode: 0o700 },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'var', type: 'dir' },
  ];
  return { name: 'busybox', layers: [withParents(files)], config: { Env: [DEFAULT_PATH], Cmd: ['sh'] } };
}

/** Pure: library paths from `ldd` output: "name => /path (addr)" and the loader's "/path (addr)". */
export function parseLdd(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

export function redisSpec(): ImageSpec {
  const server = need(REDIS_SERVER_BIN, 'redis-server');
  const cli = need(REDIS_CLI_BIN, 'redis-tools');
  const libs = new Set<string>();
  for (const b of [server, cli]) for (const l of parseLdd(execFileSync('ldd', [b]).toString())) libs.add(l);
  const files: FileEntry[] = [
    // redis-server is a symlink to redis-check-rdb on Debian; the binary picks its role from argv[0].
    { path: 'usr/bin/redis-server', hostPath: server, mode: 0o755 },
    { path: 'usr/bin/redis-cli', hostPath: cli, mode: 0o755 },
    ...[...libs].map((l): FileEntry => ({ path: l, hostPath: realpathSync(l), mode: 0o755 })),
    { path: 'etc', type: 'dir' },
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:999:redis:/data:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { path: 'etc/group', content: 'root:x:0:\nredis:x:999:\nnobody:x:65534:\n' },
    { path: 'data', type: 'dir', uid: 999, gid: 999 },
    { path: 'root', type: 'dir', mode: 0o700 },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
  ];
  return {
    name: 'redis',
    layers: [withParents(files)],
    config: { Env: [DEFAULT_PATH], Cmd: ['redis-server', '--protected-mode', 'no'], ExposedPorts: { '6379/tcp': {} }, WorkingDir: '/data' },
  };
}

export const RECIPES: Record<string, () => ImageSpec> = { busybox: busyboxSpec, redis: redisSpec };
