/**
 * `user:` and `group_add:` names resolved against the image's /etc/passwd and /etc/group, as Docker does:
 * "name", "uid", "name:group", "uid:gid"; a numeric uid need not exist; a name must. Supplementary groups are
 * the groups listing the user plus group_add. Pure: the caller reads the two files from the rootfs.
 */
import { RuntimeError } from '../errors.js';

export interface PasswdEntry { name: string; uid: number; gid: number; home: string }
export interface GroupEntry { name: string; gid: number; members: string[] }
export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; home: string }

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7 || !isNumeric(f[2] ?? '') || !isNumeric(f[3] ?? '')) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4 || !isNumeric(f[2] ?? '')) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

function lookupGroup(spec: string, groups: GroupEntry[]): number {
  if (isNumeric(spec)) return Number(spec);
  const g = groups.find((e) => e.name === spec);
  if (!g) throw new RuntimeError('E_SPEC_USER', `unable to find group ${spec}: no matching entries in group file`);
  return g.gid;
}

export function resolveUser(user: string | undefined, groupAdd: string[] | undefined, passwdText: string, groupText: string): ResolvedUser {
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  const [userPart = '', groupPart] = (user && user.length > 0 ? user : '0').split(':');
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (isNumeric(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((e) => e.uid === uid);
  } else {
    entry = passwd.find((e) => e.name === userPart);
    if (!entry) throw new RuntimeError('E_SPEC_USER', `unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid;
  }
  const gid = groupPart !== undefined && groupPart !== '' ? lookupGroup(groupPart, groups) : entry?.gid ?? 0;
  const extra = new Set<number>();
  // supplementary groups from /etc/group apply only when no explicit group was given (docker/runc behaviour)
  if (entry && groupPart === undefined) for (const g of groups) if (g.members.includes(entry.name) && g.gid !== gid) extra.add(g.gid);
  for (const g of groupAdd ?? []) extra.add(lookupGroup(g, groups));
  return { uid, gid, additionalGids: [...extra], home: entry?.home ?? '/' };
}
