/**
 * What a container needs from a stored image: its layer dirs (through the short links, topmost first, so
 * even deep chains fit in the overlay options) and the run config. Containers are created from this.
 */
import path from 'node:path';
import type { HealthcheckSpec, ImageFacts } from '../types.js';
import { readBlob } from './content-store.js';
import { parseImageConfig, type HealthcheckConfig } from './image-config.js';
import { requireImage, type ImageRecord } from './image-store.js';
import { linksDir, shortLinkName } from '../snapshot/snapshot-store.js';
import { hasSnapshot } from '../snapshot/unpack.js';
import { RuntimeError } from '../errors.js';

const ns2ms = (ns: number | undefined, dflt: number) => (ns && ns > 0 ? Math.round(ns / 1e6) : dflt);

/** Pure: Docker's healthcheck defaults (30s interval, 30s timeout, 3 retries, 0 start period, 5s start interval). */
export function planHealthcheck(h: HealthcheckConfig | undefined): HealthcheckSpec | null {
  if (!h || !h.test || h.test.length === 0) return null;
  return {
    test: h.test,
    intervalMs: ns2ms(h.intervalNs, 30_000),
    timeoutMs: ns2ms(h.timeoutNs, 30_000),
    retries: h.retries && h.retries > 0 ? h.retries : 3,
    startPeriodMs: ns2ms(h.startPeriodNs, 0),
    startIntervalMs: ns2ms(h.startIntervalNs, 5_000),
  };
}

export async function imageFactsFor(rec: ImageRecord): Promise<ImageFacts> {
  const what = `image "${rec.repoTags[0] ?? rec.id}"`;
  for (const l of rec.layers) {
    if (!(await hasSnapshot(l.chainId))) throw new RuntimeError('E_SNAPSHOT_MISSING', `${what}: layer snapshot ${l.chainId} is missing`, { hint: 'pull the image again' });
  }
  const cfg = parseImageConfig(await readBlob(rec.configDigest), what).config;
  return {
    lowerDirs: [...rec.layers].reverse().map((l) => path.join(linksDir(), shortLinkName(l.chainId))),
    env: cfg.env,
    entrypoint: cfg.entrypoint,
    cmd: cfg.cmd,
    user: cfg.user,
    workingDir: cfg.workingDir,
    stopSignal: cfg.stopSignal ?? null,
    healthcheck: planHealthcheck(cfg.healthcheck),
    ...(cfg.volumes.length > 0 ? { volumes: cfg.volumes } : {}),
  };
}

export async function resolveImageFacts(nameOrId: string): Promise<ImageFacts> {
  return imageFactsFor(await requireImage(nameOrId));
}
