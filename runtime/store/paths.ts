/**
 * Every on-disk location tscompose uses, in one place. The root is TSCOMPOSE_ROOT or /var/lib/tscompose;
 * runtime state that must not survive a reboot lives under /run/tscompose, or under <root>/run when
 * TSCOMPOSE_ROOT is set (so tests never touch the host's /run).
 */
import path from 'node:path';

export interface Paths {
  readonly root: string;
  readonly run: string;
  readonly containers: string;
  readonly images: string;
  readonly blobs: string;
  readonly snapshots: string;
  readonly volumes: string;
  readonly networks: string;
  readonly projects: string;
  readonly locks: string;
  readonly tmp: string;
}

export const DEFAULT_ROOT = '/var/lib/tscompose';
export const DEFAULT_RUN = '/run/tscompose';

/** Pure: the layout for a given environment. */
export function pathsFor(env: Record<string, string | undefined>): Paths {
  const custom = env.TSCOMPOSE_ROOT && env.TSCOMPOSE_ROOT.length > 0 ? path.resolve(env.TSCOMPOSE_ROOT) : undefined;
  const root = custom ?? DEFAULT_ROOT;
  const run = custom ? path.join(custom, 'run') : DEFAULT_RUN;
  return {
    root,
    run,
    containers: path.join(root, 'containers'),
    images: path.join(root, 'images'),
    blobs: path.join(root, 'blobs', 'sha256'),
    snapshots: path.join(root, 'snapshots'),
    volumes: path.join(root, 'volumes'),
    networks: path.join(root, 'networks'),
    projects: path.join(root, 'projects'),
    locks: path.join(run, 'locks'),
    tmp: path.join(root, 'tmp'),
  };
}

let cached: Paths | undefined;
/** The layout for this process (TSCOMPOSE_ROOT read once). */
export function paths(): Paths {
  cached ??= pathsFor(process.env);
  return cached;
}
