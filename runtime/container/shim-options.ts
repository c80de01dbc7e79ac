/** ContainerSpec → shim.json (what OCI does not cover: rootfs layers, logs, restart, health, stop signal). Pure. */
import { RuntimeError } from '../errors.js';
import type { ContainerSpec, HealthcheckSpec } from '../types.js';
import type { BundlePaths } from './bundle.js';
import { parseSignal } from './signals.js';

export interface ShimOptions {
  id: string;
  name: string;
  rootfs: { lower: string[]; upper?: string; work?: string };
  log: { path: string; maxSize: number; maxFile: number };
  restart: { policy: string; maxRetries: number };
  health: HealthcheckSpec | null;
  stopSignal: number;
  init: boolean;
  runtime: 'shim' | 'runc';
  /** runtime runc: the runc binary the shim runs (resolved on the host at create) */
  runcPath?: string;
  /** a container without a terminal whose stdin is a pipe the shim feeds (ctl op "stdin"); absent: /dev/null */
  stdin?: { open: boolean; once: boolean };
}

/** Host facts shim.json depends on: where runc is (undefined: not installed). */
export interface ShimFacts {
  runcPath?: string;
}

const RUNTIMES = ['shim', 'runc'];

function planRuntime(spec: ContainerSpec, facts: ShimFacts): Pick<ShimOptions, 'runtime' | 'runcPath'> {
  const runtime = spec.runtime ?? 'shim';
  if (!RUNTIMES.includes(runtime)) throw new RuntimeError('E_SPEC_RUNTIME', `unknown runtime "${String(runtime)}" (known: ${RUNTIMES.join(', ')})`);
  if (runtime === 'shim') return { runtime };
  if (!facts.runcPath) {
    throw new RuntimeError('E_RUNC_MISSING', 'runtime runc: runc is not installed (not found in PATH)', { hint: 'install it (Debian: apt-get install runc) or remove `runtime: runc`' });
  }
  return { runtime, runcPath: facts.runcPath };
}

function planHealth(h: HealthcheckSpec | null | undefined): HealthcheckSpec | null {
  if (!h || h.test.length === 0 || h.test[0] === 'NONE') return null;
  const kind = h.test[0];
  if (kind !== 'CMD' && kind !== 'CMD-SHELL') throw new RuntimeError('E_SPEC_HEALTHCHECK', `healthcheck test must start with CMD, CMD-SHELL or NONE, not "${kind}"`);
  if (h.test.length < 2) throw new RuntimeError('E_SPEC_HEALTHCHECK', 'healthcheck test has no command');
  // docker's defaults for zero values: 30s interval/timeout, 3 retries, 5s start interval
  return {
    test: h.test,
    intervalMs: h.intervalMs > 0 ? h.intervalMs : 30_000,
    timeoutMs: h.timeoutMs > 0 ? h.timeoutMs : 30_000,
    retries: h.retries > 0 ? h.retries : 3,
    startPeriodMs: Math.max(0, h.startPeriodMs),
    startIntervalMs: h.startIntervalMs > 0 ? h.startIntervalMs : 5_000,
  };
}

/** stdin_open without a tty: a pipe (a terminal's input is its pty, so a tty container needs none). */
function planStdin(spec: ContainerSpec): Pick<ShimOptions, 'stdin'> {
  if (!spec.stdinOpen || spec.tty) return {};
  return { stdin: { open: true, once: spec.stdinOnce ?? false } };
}

export function buildShimOptions(spec: ContainerSpec, paths: BundlePaths, facts: ShimFacts = {}): ShimOptions {
  try {
    const lower = spec.image.lowerDirs;
    if (lower.length === 0) throw new RuntimeError('E_SPEC_ROOTFS', 'the image has no layers');
    const policy = spec.restart?.policy ?? 'no';
    if (!['no', 'always', 'on-failure', 'unless-stopped'].includes(policy)) throw new RuntimeError('E_SPEC_RESTART', `unknown restart policy "${policy}"`);
    const maxFile = spec.logging?.maxFile ?? 1;
    if (!Number.isInteger(maxFile) || maxFile < 1) throw new RuntimeError('E_SPEC_LOGGING', `logging max-file must be a positive integer, not ${maxFile}`);
    const maxSize = spec.logging?.maxSize ?? 0;
    if (!Number.isInteger(maxSize) || maxSize < 0) throw new RuntimeError('E_SPEC_LOGGING', `logging max-size must be a size in bytes, not ${maxSize}`);
    return {
      id: spec.id,
      name: spec.name,
      // one plain dir and no upper: tests and scratch rootfs dirs that are used as is (no overlay)
      rootfs: spec.image.plain ? { lower: [lower[0]!] } : { lower, upper: paths.upper, work: paths.work },
      log: { path: paths.log, maxSize, maxFile },
      restart: { policy, maxRetries: policy === 'on-failure' ? spec.restart?.maxRetries ?? 0 : 0 },
      health: planHealth(spec.healthcheck !== undefined ? spec.healthcheck : spec.image.healthcheck),
      stopSignal: parseSignal(spec.stopSignal ?? spec.image.stopSignal ?? 'SIGTERM'),
      // under runc the init is config.json's first argument (see oci-spec.ts), not the shim's own
      init: (spec.init ?? false) && spec.runtime !== 'runc',
      ...planRuntime(spec, facts),
      ...planStdin(spec),
    };
  } catch (e) {
    if (e instanceof RuntimeError) throw e.withContext(`create container "${spec.name}"`);
    throw e;
  }
}
