/**
 * RUN: the command runs in a container made by our shim on an overlay of the stage's current layers,
 * with the stage's env, workdir and user, the host's network (package managers reach the network, as in
 * a default docker build), its own hostname and no published ports. Its output streams to the caller;
 * its upper dir becomes the new layer. The container is removed whatever happens.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import { createContainer } from '../container/create.js';
import { waitContainer } from '../container/lifecycle.js';
import { readLogs } from '../container/logs.js';
import { removeContainer } from '../container/remove.js';
import { paths } from '../store/paths.js';
import type { ContainerSpec } from '../types.js';
import type { BuildStep } from './types.js';
import { writeLayerBlob, type BuiltLayer } from './layer-tar.js';

export const BUILD_HOSTNAME = 'buildkitsandbox';
export const BUILD_LABEL = 'com.tscompose.build';

/** Files the runtime itself bind-mounts into every container: never part of a layer. */
const RUNTIME_FILES = new Set(['etc/hosts', 'etc/resolv.conf', 'etc/hostname']);
const MOUNT_DIRS = new Set(['proc', 'sys', 'dev']);

/** Pure: the container a RUN step runs in. */
export function planRunContainer(step: Extract<BuildStep, { kind: 'run' }>, lowerDirs: string[], id: string): ContainerSpec {
  return {
    id,
    name: `tscompose-build-${id.slice(0, 12)}`,
    labels: { [BUILD_LABEL]: 'run' },
    image: { lowerDirs, env: [], entrypoint: null, cmd: null, user: '', workingDir: '/', stopSignal: null, healthcheck: null },
    entrypoint: null,
    command: step.argv,
    env: step.env,
    workingDir: step.workdir,
    ...(step.user ? { user: step.user } : {}),
    hostname: BUILD_HOSTNAME,
    network: { mode: 'host' },
    resolvConf: { path: '/etc/resolv.conf' },
    hostsFile: { content: `127.0.0.1\tlocalhost ${BUILD_HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n` },
    hostnameFile: { content: `${BUILD_HOSTNAME}\n` },
  };
}

/** docker's wording for a failed RUN. */
export function runFailedMessage(argv: readonly string[], exitCode: number): string {
  return `failed to solve: process "${argv.join(' ')}" did not complete successfully: exit code: ${exitCode}`;
}

export async function execRunStep(step: Extract<BuildStep, { kind: 'run' }>, lowerDirs: string[], o: { what: string; onOutput?: (line: string) => void }): Promise<BuiltLayer> {
  if (lowerDirs.length === 0) {
    throw new RuntimeError('E_BUILD_RUN', `${o.what}: RUN needs a base image with a shell; this stage has no layers (FROM scratch)`, { hint: 'use a base image, or COPY a static binary in before RUN' });
  }
  const id = randomBytes(32).toString('hex');
  const spec = planRunContainer(step, lowerDirs, id);
  let created = false;
  try {
    await createContainer(spec, { start: true });
    created = true;
    for await (const e of readLogs(id, { follow: true, pollMs: 50 })) o.onOutput?.(e.log.replace(/\n$/, ''));
    const res = await waitContainer(id);
    if (res.error) throw new RuntimeError('E_BUILD_RUN', `${o.what}: ${res.error}`);
    if (res.exitCode !== 0) throw new RuntimeError('E_BUILD_RUN', runFailedMessage(step.argv, res.exitCode), { hint: `failed step: ${o.what}` });
    const upper = path.join(paths().containers, id, 'upper');
    return await writeLayerBlob(upper, {
      overlay: true,
      what: o.what,
      skip: (rel) => RUNTIME_FILES.has(rel) || (MOUNT_DIRS.has(rel) && isEmptyDir(path.join(upper, rel))),
    });
  } finally {
    if (created) await removeContainer(id, { force: true }).catch(() => undefined);
  }
}

function isEmptyDir(p: string): boolean {
  try { return readdirSync(p).length === 0; } catch { return false; }
}
