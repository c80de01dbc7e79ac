/** Specs and facts shared by the pure-builder tests: a busybox-like image on an x86_64 host like this one. */
import type { ContainerSpec } from '../../../../runtime/types.js';
import type { OciFacts } from '../../../../runtime/container/oci-spec.js';
import { bundlePaths } from '../../../../runtime/container/bundle.js';
import { CAPABILITY_NAMES } from '../../../../runtime/container/capabilities.js';

export const ID = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + 'b'.repeat(4);
export const bundle = bundlePaths('/var/lib/tscompose/containers', ID);

export const PASSWD = ['root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1:daemon:/usr/sbin:/bin/false', 'app:x:1000:1000:app:/home/app:/bin/sh', 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false', ''].join('\n');
export const GROUP = ['root:x:0:', 'tty:x:5:', 'audio:x:29:app', 'app:x:1000:', 'video:x:44:app,daemon', 'nogroup:x:65534:', ''].join('\n');

export function baseSpec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    id: ID,
    name: 'demo-web-1',
    labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web' },
    image: {
      lowerDirs: ['/var/lib/tscompose/snapshots/l2/fs', '/var/lib/tscompose/snapshots/l1/fs'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'],
      entrypoint: null,
      cmd: ['sh'],
      user: '',
      workingDir: '',
      stopSignal: null,
      healthcheck: null,
    },
    ...over,
  };
}

export function baseFacts(over: Partial<OciFacts> = {}): OciFacts {
  return {
    arch: 'x86_64',
    rootfsPath: bundle.rootfs,
    bundleDir: bundle.dir,
    cgroupsPath: `/tscompose/${ID}`,
    passwd: PASSWD,
    group: GROUP,
    // this host's bounding set lacks CAP_SYS_RESOURCE
    hostCapabilities: CAPABILITY_NAMES.filter((c) => c !== 'CAP_SYS_RESOURCE'),
    hostRlimitsHard: { RLIMIT_NOFILE: 20000, RLIMIT_NPROC: 95000, RLIMIT_CORE: Number.MAX_SAFE_INTEGER },
    canRaiseRlimits: false,
    devices: { '/dev/fuse': { type: 'c', major: 10, minor: 229, fileMode: 0o20666, uid: 0, gid: 0 } },
    hostDevices: [{ path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 }],
    joinNamespaces: {},
    ...over,
  };
}

/** Stable JSON: keys sorted at every level, so a golden diff shows meaning, not construction order. */
export function stableJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]));
    return x;
  };
  return `${JSON.stringify(sort(v), null, 2)}\n`;
}
