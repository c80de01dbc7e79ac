/** list: every container, filtered by labels ("key" present, or "key=value"), from meta.json + state.json only. */
import { paths } from '../store/paths.js';
import type { ContainerSummary } from '../types.js';
import { collectMetas } from './meta.js';
import { statusOf } from './lookup.js';
import { execRepairState, readShimState } from './state.js';

/** Pure: does a label set match every filter ("k" or "k=v")? */
export function matchesLabels(labels: Record<string, string>, filters: string[]): boolean {
  return filters.every((f) => {
    const eq = f.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, f);
    return labels[f.slice(0, eq)] === f.slice(eq + 1);
  });
}

export function listContainers(opts: { labels?: string[]; all?: boolean } = {}): ContainerSummary[] {
  const out: ContainerSummary[] = [];
  for (const { bundle, meta } of collectMetas(paths().containers)) {
    if (!matchesLabels(meta.labels, opts.labels ?? [])) continue;
    let state;
    try {
      const raw = readShimState(bundle);
      state = raw ? execRepairState(bundle, raw) : undefined;
    } catch {
      state = undefined; // removed while we listed
    }
    const status = statusOf(meta.id, state);
    if (opts.all === false && status !== 'running' && status !== 'paused' && status !== 'restarting') continue;
    out.push({ id: meta.id, name: meta.name, labels: meta.labels, status, state: state ?? null, createdAt: meta.createdAt });
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
}
