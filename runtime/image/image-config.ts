/**
 * The image config containers use, read from the config blob (OCI image config / Docker container config).
 * Pure: bytes in, a plain object with defaults out.
 */
import { RuntimeError } from '../errors.js';

export interface HealthcheckConfig {
  test?: string[];
  intervalNs?: number;
  timeoutNs?: number;
  startPeriodNs?: number;
  startIntervalNs?: number;
  retries?: number;
}

export interface ContainerImageConfig {
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: string[];
  workingDir: string;
  user: string;
  exposedPorts: string[];
  volumes: string[];
  healthcheck?: HealthcheckConfig;
  stopSignal?: string;
  labels: Record<string, string>;
}

export interface ImageConfigDoc {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  diffIds: string[];
  config: ContainerImageConfig;
  /** the parsed document as stored, for inspect */
  raw: Record<string, unknown>;
}

function strList(v: unknown): string[] | null {
  return Array.isArray(v) ? v.map(String) : null;
}

export function parseImageConfig(body: Buffer | string, what: string): ImageConfigDoc {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body.toString()) as Record<string, unknown>;
  } catch {
    throw new RuntimeError('E_IMAGE_CONFIG', `${what}: image config is not JSON`);
  }
  const rootfs = raw.rootfs as { type?: string; diff_ids?: unknown } | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) throw new RuntimeError('E_IMAGE_CONFIG', `${what}: image config has no rootfs.diff_ids`);
  const diffIds = rootfs.diff_ids.map(String);
  for (const d of diffIds) if (!/^sha256:[a-f0-9]{64}$/.test(d)) throw new RuntimeError('E_IMAGE_CONFIG', `${what}: bad diff id "${d}"`);
  const c = (raw.config ?? {}) as Record<string, unknown>;
  const hc = c.Healthcheck as Record<string, unknown> | undefined;
  const config: ContainerImageConfig = {
    entrypoint: strList(c.Entrypoint),
    cmd: strList(c.Cmd),
    env: strList(c.Env) ?? [],
    workingDir: typeof c.WorkingDir === 'string' ? c.WorkingDir : '',
    user: typeof c.User === 'string' ? c.User : '',
    exposedPorts: Object.keys((c.ExposedPorts as object | undefined) ?? {}).sort(),
    volumes: Object.keys((c.Volumes as object | undefined) ?? {}).sort(),
    ...(hc
      ? {
          healthcheck: {
            ...(Array.isArray(hc.Test) ? { test: hc.Test.map(String) } : {}),
            ...(typeof hc.Interval === 'number' ? { intervalNs: hc.Interval } : {}),
            ...(typeof hc.Timeout === 'number' ? { timeoutNs: hc.Timeout } : {}),
            ...(typeof hc.StartPeriod === 'number' ? { startPeriodNs: hc.StartPeriod } : {}),
            ...(typeof hc.StartInterval === 'number' ? { startIntervalNs: hc.StartInterval } : {}),
            ...(typeof hc.Retries === 'number' ? { retries: hc.Retries } : {}),
          },
        }
      : {}),
    ...(typeof c.StopSignal === 'string' && c.StopSignal ? { stopSignal: c.StopSignal } : {}),
    labels: Object.fromEntries(Object.entries((c.Labels as Record<string, unknown> | null | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
  };
  return {
    architecture: String(raw.architecture ?? ''),
    os: String(raw.os ?? ''),
    ...(typeof raw.variant === 'string' ? { variant: raw.variant } : {}),
    ...(typeof raw.created === 'string' ? { created: raw.created } : {}),
    diffIds,
    config,
    raw,
  };
}
