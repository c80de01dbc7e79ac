/**
 * Network records on disk (one JSON file per network) and the per-network lock that serialises attach,
 * detach and removal between tscompose processes.
 */
import { mkdirSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { paths } from '../store/paths.js';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { RuntimeError } from '../errors.js';
import type { NetworkRecord } from './types.js';
import { planNamesFile } from './dns/names-file.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export function checkNetworkName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new RuntimeError('E_NET_NAME', `network name "${name}" is invalid: use letters, digits, '_', '.', '-' (starting with a letter or digit)`);
  }
}

export function networkFile(name: string): string {
  return path.join(paths().networks, `${name}.json`);
}

/** What the C resolver reads (see dns/names-file.ts); replaced together with the record. */
export function namesFile(name: string): string {
  return path.join(paths().networks, `${name}.names`);
}

export function readNetwork(name: string): NetworkRecord | undefined {
  checkNetworkName(name);
  return readJsonIfExists<NetworkRecord>(networkFile(name));
}

export function requireNetwork(name: string): NetworkRecord {
  const rec = readNetwork(name);
  if (!rec) throw new RuntimeError('E_NET_NOT_FOUND', `network "${name}" not found`);
  return rec;
}

/**
 * Durable (fsync'd) for network changes; endpoint changes skip the fsyncs (about 6 ms of an attach on a busy
 * disk): still atomic for readers (tmp + rename), and an endpoint does not outlive a reboot anyway.
 */
export function writeNetwork(rec: NetworkRecord, opts: { durable?: boolean } = {}): void {
  mkdirSync(paths().networks, { recursive: true });
  const file = networkFile(rec.name);
  if (opts.durable !== false) writeJsonAtomic(file, rec);
  else {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(rec, null, 2)}\n`);
    renameSync(tmp, file);
  }
  writeNamesFile(rec);
}

/** The resolver's view of the record; never fsync'd (it is rebuilt from the record on every write). */
export function writeNamesFile(rec: NetworkRecord): void {
  const file = namesFile(rec.name);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, planNamesFile(rec));
  renameSync(tmp, file);
}

export function deleteNetworkRecord(name: string): void {
  // the names file first: its resolver exits when it is gone
  for (const f of [namesFile(name), networkFile(name)]) {
    try { unlinkSync(f); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
  }
}

export function listNetworks(): NetworkRecord[] {
  let names: string[];
  try { names = readdirSync(paths().networks); } catch { return []; }
  return names
    .filter((f) => f.endsWith('.json'))
    .map((f) => readJsonIfExists<NetworkRecord>(path.join(paths().networks, f)))
    .filter((r): r is NetworkRecord => r !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Serialises changes to one network; the global `networks` lock guards subnet and port allocation. */
export function withNetworkLock<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  return withLock(paths().locks, `network-${name}`, fn);
}

export function withNetworksLock<T>(fn: () => Promise<T> | T): Promise<T> {
  return withLock(paths().locks, 'networks', fn);
}
