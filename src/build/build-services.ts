/**
 * Builds a list of services' images one after another (a 2-core host gains nothing from parallel builds,
 * and they would share the cache), writing each build's progress lines and returning the image ids by
 * service. Used by `build` and by `up` for the services whose image it decided to build.
 */
import type { Project } from '../compose/types.js';
import { execServiceBuild } from './exec-service-build.js';
import { planServiceBuild } from './service-build.js';

export interface BuildServicesOptions {
  buildArgs?: Record<string, string | undefined>;
  noCache?: boolean;
  pull?: boolean;
  /** progress lines; undefined for quiet */
  write?: (line: string) => void;
  /** warnings (ignored build keys, unused build args) */
  warn?: (line: string) => void;
}

export async function execBuildServices(project: Project, services: readonly string[], o: BuildServicesOptions = {}): Promise<Record<string, string>> {
  const plans = services.map((s) => planServiceBuild(project, s, { ...(o.buildArgs ? { buildArgs: o.buildArgs } : {}), ...(o.noCache ? { noCache: true } : {}), ...(o.pull ? { pull: true } : {}) }));
  for (const p of plans) for (const w of p.warnings) o.warn?.(w);
  const ids: Record<string, string> = {};
  const byImage = new Map<string, string>();
  for (const p of plans) {
    // services sharing one image name build it once (docker compose builds per image)
    const known = byImage.get(p.image);
    if (known) { ids[p.service] = known; continue; }
    const rec = await execServiceBuild(p, o.write ? { write: o.write } : {});
    ids[p.service] = rec.id;
    byImage.set(p.image, rec.id);
  }
  return ids;
}
