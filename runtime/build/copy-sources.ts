/**
 * COPY/ADD sources resolved against a root (the build context, or another stage's or image's rootfs):
 * paths cleaned and kept inside the root, globs matched one path segment at a time (filepath.Match: `*`
 * and `?` stop at `/`, `[...]` classes), and paths the context's .dockerignore leaves out are invisible.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError } from '../errors.js';

export interface SourceRoot {
  dir: string;
  /** relative path (`a/b`) → left out of the build context */
  ignored?: (rel: string) => boolean;
  /** for messages: "the build context" or `stage "builder"` */
  name: string;
}

export interface ResolvedSource {
  /** path relative to the root ('' for the root itself) */
  rel: string;
  abs: string;
  isDir: boolean;
}

const GLOB = /[*?[]/;

/** Pure: one path segment pattern as a regular expression (filepath.Match). */
export function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern "${seg}"`);
      let cls = seg.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < seg.length) re += seg[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Pure: a source as path segments inside the root; `..` may not leave it. */
export function cleanSource(src: string): string[] | undefined {
  const norm = path.posix.normalize(`/${src}`);
  if (norm.split('/').includes('..')) return undefined;
  return norm.split('/').filter((s) => s !== '' && s !== '.');
}

async function statIn(root: SourceRoot, rel: string): Promise<ResolvedSource | undefined> {
  if (rel !== '' && root.ignored?.(rel)) return undefined;
  const abs = rel === '' ? root.dir : path.join(root.dir, rel);
  const st = await fs.lstat(abs).catch(() => undefined);
  if (!st) return undefined;
  if (st.isCharacterDevice() && st.rdev === 0) return undefined; // an overlay whiteout seen through a lower dir
  return { rel, abs, isDir: st.isDirectory() };
}

/** Every match of one source, sorted; an error naming the source when nothing matches. */
export async function resolveSource(root: SourceRoot, src: string, what: string): Promise<ResolvedSource[]> {
  const segs = cleanSource(src);
  if (!segs) throw new RuntimeError('E_BUILD_COPY', `${what}: "${src}": forbidden path outside the build context`);
  let cands = [''];
  for (const seg of segs) {
    const next: string[] = [];
    if (!GLOB.test(seg)) {
      const unescaped = seg.replace(/\\(.)/g, '$1');
      for (const c of cands) next.push(c === '' ? unescaped : `${c}/${unescaped}`);
    } else {
      const re = segmentRegex(seg);
      for (const c of cands) {
        const names = await fs.readdir(c === '' ? root.dir : path.join(root.dir, c)).catch(() => [] as string[]);
        for (const n of names.sort()) if (re.test(n)) next.push(c === '' ? n : `${c}/${n}`);
      }
    }
    cands = next;
  }
  const found: ResolvedSource[] = [];
  for (const c of cands) {
    const r = await statIn(root, c);
    if (r) found.push(r);
  }
  if (found.length === 0) {
    throw new RuntimeError('E_BUILD_COPY', `failed to solve: failed to compute cache key: "/${segs.join('/')}": not found`, { hint: `${what}: no such file in ${root.name}${root.ignored ? ' (or it is excluded by .dockerignore)' : ''}` });
  }
  return found;
}
