/**
 * Where snapshots live: <snapshots>/<chain hex>/diff holds one layer's files, <chain hex>/link its short name,
 * and <snapshots>/l/<short> → ../<chain hex>/diff, so overlay mount options stay short (as Docker's overlay2).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { paths } from '../store/paths.js';

export function snapshotsRoot(): string {
  return paths().snapshots;
}

export function snapshotDir(chainId: string): string {
  return path.join(snapshotsRoot(), chainId.replace(/^sha256:/, ''));
}

export function snapshotDiffDir(chainId: string): string {
  return path.join(snapshotDir(chainId), 'diff');
}

/** True when the layer chain is unpacked (its diff dir exists). */
export async function hasSnapshot(chainId: string): Promise<boolean> {
  return !!(await fs.stat(snapshotDiffDir(chainId)).catch(() => undefined));
}

export function linksDir(): string {
  return path.join(snapshotsRoot(), 'l');
}

/** A short, stable name for a chain id: 26 base32 chars of its hash. Pure. */
export function shortLinkName(chainId: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(`link:${chainId}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Creates the short link (idempotent) and records its name in the snapshot dir. */
export async function linkSnapshot(chainId: string): Promise<string> {
  const short = shortLinkName(chainId);
  await fs.mkdir(linksDir(), { recursive: true });
  const link = path.join(linksDir(), short);
  const want = path.join('..', chainId.replace(/^sha256:/, ''), 'diff');
  const cur = await fs.readlink(link).catch(() => undefined);
  if (cur !== want) {
    await fs.rm(link, { force: true });
    await fs.symlink(want, link);
  }
  await fs.writeFile(path.join(snapshotDir(chainId), 'link'), short);
  return short;
}

/** Every stored snapshot's chain id. */
export async function listSnapshots(): Promise<string[]> {
  const names = await fs.readdir(snapshotsRoot()).catch(() => [] as string[]);
  return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
}

export async function removeSnapshot(chainId: string): Promise<void> {
  await fs.rm(path.join(linksDir(), shortLinkName(chainId)), { force: true });
  await fs.rm(snapshotDir(chainId), { recursive: true, force: true });
}

/** Leftover temp dirs of interrupted unpacks whose process is gone. */
export async function removeStaleUnpacks(): Promise<number> {
  const names = await fs.readdir(snapshotsRoot()).catch(() => [] as string[]);
  let n = 0;
  for (const name of names) {
    const m = /^\.tmp-[a-f0-9]+-(\d+)-\d+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive || pid === process.pid) {
      await fs.rm(path.join(snapshotsRoot(), name), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}
