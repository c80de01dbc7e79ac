/**
 * Golden tests: config.json and shim.json for a handful of specs, compared with files in golden/.
 * Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOciConfig } from '../../../../runtime/container/oci-spec.js';
import { buildShimOptions } from '../../../../runtime/container/shim-options.js';
import { baseFacts, baseSpec, bundle, stableJson } from './fixtures.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

function golden(name: string, value: unknown): void {
  const file = path.join(dir, name);
  const text = stableJson(value);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(file, text);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}

const cases: Array<[string, Parameters<typeof baseSpec>[0], Parameters<typeof baseFacts>[0]?]> = [
  ['default', {}],
  ['privileged', { privileged: true }],
  ['hardened', {
    user: 'app', groupAdd: ['tty'], readOnly: true, capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'],
    securityOpt: ['no-new-privileges:true'], tmpfs: ['/run', '/tmp:size=64m,exec'], workingDir: '/srv',
    env: ['LANG=en_US.UTF-8', 'MODE=prod'], command: ['httpd', '-f'], entrypoint: ['/bin/busybox'],
  }],
  ['resources', {
    memLimit: 32 * 1024 * 1024, memReservation: 16 * 1024 * 1024, cpus: 0.5, cpuShares: 512, cpuset: '0',
    pidsLimit: 64, blkioWeight: 300, oomScoreAdj: 500, oomKillDisable: true, shmSize: 128 * 1024 * 1024,
    ulimits: { nofile: { soft: 1024, hard: 2048 }, core: { soft: 0, hard: 0 } },
    sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0', 'kernel.shmmax': '1000000' },
  }],
  ['joined', {
    network: { mode: 'container', container: 'demo-db-1' }, ipc: { mode: 'host' }, pid: { mode: 'container', container: 'demo-db-1' },
    tty: true, stdinOpen: true, init: true, stopSignal: 'SIGQUIT', restart: { policy: 'on-failure', maxRetries: 3 },
    logging: { maxSize: 1_000_000, maxFile: 3 }, devices: [{ host: '/dev/fuse', permissions: 'rw' }],
    mounts: [
      { type: 'bind', source: '/srv/data', target: '/data', readOnly: true, propagation: 'rslave' },
      { type: 'volume', source: '/var/lib/tscompose/volumes/demo_db/_data', target: '/var/lib/db' },
      { type: 'tmpfs', target: '/cache', tmpfsSize: 1 << 20, tmpfsMode: 0o1777 },
    ],
    hostsFile: { content: '127.0.0.1 localhost\n' }, resolvConf: { path: '/etc/resolv.conf' }, hostnameFile: { content: 'web\n' },
    hostname: 'web', domainname: 'example.test',
    healthcheck: { test: ['CMD-SHELL', 'wget -q -O- localhost'], intervalMs: 1000, timeoutMs: 0, retries: 0, startPeriodMs: 0, startIntervalMs: 0 },
  }, { joinNamespaces: { network: '/proc/4242/ns/net', pid: '/proc/4242/ns/pid' } }],
];

for (const [name, over, facts] of cases) {
  test(`config.json and shim.json for the "${name}" spec match the golden files`, () => {
    const spec = baseSpec(over);
    golden(`${name}.config.json`, buildOciConfig(spec, baseFacts(facts)));
    golden(`${name}.shim.json`, buildShimOptions(spec, bundle));
  });
}
