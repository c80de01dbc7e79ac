/**
 * Secrets and configs are written under the run dir (tmpfs on a real host), so a reboot takes them away
 * while the container's bundle, which binds them, survives. At create their exact bytes, owner and mode are
 * kept in the bundle (secrets.json, mode 0600 in a 0700 dir: readable by root only, like the files under
 * /run); restore writes them back before the new container process binds them. Re-reading the compose files
 * instead would not give the same bytes: a `file:` may have changed and an `environment:` source is gone.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError, wrapError } from '../errors.js';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic.js';
import { paths } from '../store/paths.js';
import type { ContainerSpec } from '../types.js';
import { bundlePaths } from './bundle.js';

export interface KeptFile {
  /** the host path the container binds (under <run>/secrets/<id>/) */
  path: string;
  uid: number;
  gid: number;
  /** permission bits */
  mode: number;
  /** the bytes, base64 */
  content: string;
}

interface KeptRecord { version: 1; files: KeptFile[] }

const RECORD = 'secrets.json';

function recordFile(id: string): string {
  return path.join(bundlePaths(paths().containers, id).dir, RECORD);
}

/** Pure: where a container's secrets and configs may live; a kept path outside it is refused. */
export function planSecretsRoot(run: string, id: string): string {
  return path.join(run, 'secrets', id);
}

/** Pure: the kept files restore may write back (inside the container's secrets dir only), and the binds it cannot feed. */
export function planRemake(spec: Pick<ContainerSpec, 'mounts'>, kept: KeptFile[], secretsRoot: string): { write: KeptFile[]; unkept: Array<{ source: string; target: string }> } {
  const inside = (p: string) => p.startsWith(`${secretsRoot}${path.sep}`) && path.normalize(p) === p;
  const write = kept.filter((f) => inside(f.path));
  const have = new Set(write.map((f) => f.path));
  const unkept = (spec.mounts ?? []).flatMap((m) => (m.type === 'bind' && m.source !== undefined && inside(m.source) && !have.has(m.source) ? [{ source: m.source, target: m.target }] : []));
  return { write, unkept };
}

/** Where container `id`'s secrets and configs live: under the run dir (tmpfs in production), gone with it. */
export function containerSecretsDir(id: string): string {
  return planSecretsRoot(paths().run, id);
}

/** At create: keeps the secret/config files just written for container `id` (their host paths) in its bundle. */
export function execKeepSecrets(id: string, files: string[]): void {
  if (files.length === 0) return;
  const out: KeptFile[] = [];
  for (const file of files) {
    try {
      const st = statSync(file);
      out.push({ path: file, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, content: readFileSync(file).toString('base64') });
    } catch (e) {
      throw wrapError(`keep ${file} for restore`, e, 'E_SECRET_WRITE');
    }
  }
  const record: KeptRecord = { version: 1, files: out };
  writeJsonAtomic(recordFile(id), record, { mode: 0o600 });
}

/**
 * At restore, before the container's process is made: every kept file that is missing (the reboot emptied
 * the run dir) is written again with the kept owner and mode, in the order create used (write 0600, chown,
 * chmod), so the secret is never readable by others in between.
 */
export function execRemakeSecrets(id: string, spec: Pick<ContainerSpec, 'mounts'>): number {
  const root = containerSecretsDir(id);
  const record = readJsonIfExists<KeptRecord>(recordFile(id));
  const { write, unkept } = planRemake(spec, record?.files ?? [], root);
  const lost = unkept.filter((m) => !existsSync(m.source)).map((m) => m.target);
  if (lost.length > 0) {
    throw new RuntimeError('E_SECRET_LOST', `secret/config ${lost.join(', ')}: gone with the run dir and its content was not kept at create (a container made by an older tscompose)`, {
      hint: 'recreate the container: tscompose up -d --force-recreate',
    });
  }
  let made = 0;
  for (const f of write) {
    if (existsSync(f.path)) continue;
    try {
      mkdirSync(path.dirname(f.path), { recursive: true, mode: 0o700 });
      writeFileSync(f.path, Buffer.from(f.content, 'base64'), { mode: 0o600 });
      chownSync(f.path, f.uid, f.gid);
      chmodSync(f.path, f.mode);
      made++;
    } catch (e) {
      rmSync(f.path, { force: true }); // never left behind with another owner or mode (the next restore would skip it)
      throw wrapError(`remake ${f.path}`, e, 'E_SECRET_WRITE');
    }
  }
  return made;
}
