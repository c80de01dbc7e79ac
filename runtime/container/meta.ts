/**
 * meta.json: what the runtime itself records about a container at create (name, labels, creation time and
 * the spec it was made from). The shim never reads it; list and inspect do.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic.js';
import type { ContainerSpec } from '../types.js';
import { ID_PATTERN, bundlePaths, type BundlePaths } from './bundle.js';

export interface ContainerMeta {
  id: string;
  name: string;
  labels: Record<string, string>;
  createdAt: string;
  spec: ContainerSpec;
}

export function writeMeta(b: BundlePaths, spec: ContainerSpec, now: Date): ContainerMeta {
  const meta: ContainerMeta = { id: spec.id, name: spec.name, labels: spec.labels, createdAt: now.toISOString(), spec };
  writeJsonAtomic(b.meta, meta, { durable: false });
  return meta;
}

export function readMeta(b: BundlePaths): ContainerMeta | undefined {
  try {
    return readJsonIfExists<ContainerMeta>(b.meta);
  } catch {
    return undefined; // a half-created bundle: remove() cleans it, list skips it
  }
}

/** Every bundle dir that has a meta.json (a dir without one is a create in progress or a failed leftover). */
export function collectMetas(containersDir: string): Array<{ bundle: BundlePaths; meta: ContainerMeta }> {
  let names: string[];
  try { names = readdirSync(containersDir); } catch { return []; }
  const out: Array<{ bundle: BundlePaths; meta: ContainerMeta }> = [];
  for (const n of names) {
    if (!ID_PATTERN.test(n)) continue;
    const bundle = bundlePaths(containersDir, n);
    const meta = readMeta(bundle);
    if (meta) out.push({ bundle, meta });
  }
  return out;
}

/** Docker's lookup: exact id, exact name (with or without a leading "/"), then a unique id prefix. */
export function findContainer(containersDir: string, ref: string): { bundle: BundlePaths; meta: ContainerMeta } | undefined {
  // A full id names its bundle dir: one read instead of every container's meta.json (up and down look
  // containers up by id once per step, which made a 30-service project read 900 metas).
  if (ID_PATTERN.test(ref)) {
    const bundle = bundlePaths(containersDir, ref);
    const meta = readMeta(bundle);
    if (meta?.id === ref) return { bundle, meta };
  }
  const all = collectMetas(containersDir);
  const name = ref.replace(/^\//, '');
  const exact = all.find((c) => c.meta.id === ref) ?? all.find((c) => c.meta.name === name);
  if (exact) return exact;
  if (/^[0-9a-f]{3,63}$/.test(ref)) {
    const hits = all.filter((c) => c.meta.id.startsWith(ref));
    if (hits.length === 1) return hits[0];
  }
  return undefined;
}

export function containerDir(containersDir: string, id: string): string {
  return path.join(containersDir, id);
}
