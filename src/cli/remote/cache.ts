/**
 * Where fetched remote Compose resources live: $XDG_CACHE_HOME/tscompose/remote (else
 * ~/.cache/tscompose/remote), one directory per content digest or commit. A directory appears only
 * complete: it is filled under a temporary name and renamed into place.
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export function remoteCacheDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || homedir(), '.cache');
  return path.join(base, 'tscompose', 'remote');
}

export function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** Fills `final` through `fill(tmpDir)` unless it exists; a failed fill leaves nothing behind. */
export async function installDirectory(final: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (isDirectory(final)) return;
  mkdirSync(path.dirname(final), { recursive: true, mode: 0o700 });
  const tmp = `${final}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { mode: 0o700 });
  try {
    await fill(tmp);
    try {
      renameSync(tmp, final);
    } catch (e) {
      // another command filled it first: theirs is as good as ours
      if (!isDirectory(final)) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** docker compose's boolean switches (strconv.ParseBool); unset means enabled. */
export function remoteEnabled(env: Record<string, string | undefined>, name: string): boolean {
  const v = env[name];
  if (v === undefined || v === '') return true;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new Error(`${name} environment variable expects boolean value, got "${v}"`);
}
