/**
 * Ignore and include patterns as docker compose reads them (the .dockerignore dialect): patterns are
 * relative to a base directory, `*` and `?` stay inside one path segment, `**` spans segments, `!` turns a
 * path back in, the last matching pattern wins, and a pattern naming a directory covers everything under it.
 * Pure: no file system access; the .dockerignore text is read by the caller.
 */
import path from 'node:path';
import { UserError } from '../errors.js';

interface Compiled { negated: boolean; re: RegExp }

export interface PathMatcher {
  /** whether the absolute host path is matched (by itself or through one of its parent directories) */
  matches(hostPath: string): boolean;
}

/** Pure: one pattern into a regular expression over a slash-separated relative path. */
export function compilePattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      // `**/` may match no directory at all; a trailing `**` matches the rest
      if (pattern[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new UserError('E_WATCH_PATTERN', `invalid pattern "${pattern}": unterminated [`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('!') || cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(ch: string): string {
  return /[.+^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** Pure: a pattern cleaned as docker does (leading `/` and `./` dropped, trailing `/` dropped, `..` resolved). */
export function cleanPattern(p: string): string {
  const cleaned = path.posix.normalize(p.trim()).replace(/^\/+/, '').replace(/\/+$/, '');
  return cleaned === '.' ? '' : cleaned;
}

/** Pure: patterns relative to `base` (absolute host dir); an empty list matches nothing. */
export function createPatternMatcher(base: string, patterns: string[]): PathMatcher {
  const compiled: Compiled[] = [];
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const p = cleanPattern(negated ? raw.slice(1) : raw);
    if (p === '') continue;
    compiled.push({ negated, re: compilePattern(p) });
  }
  return {
    matches(hostPath: string): boolean {
      if (compiled.length === 0) return false;
      const rel = path.relative(base, hostPath).split(path.sep).join('/');
      if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) return false;
      // the path itself and each of its parent directories, as docker's MatchesOrParentMatches
      const parts = rel.split('/');
      const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      let matched = false;
      for (const c of compiled) if (candidates.some((x) => c.re.test(x))) matched = !c.negated;
      return matched;
    },
  };
}

/** Pure: the patterns of a .dockerignore file (comments and blank lines dropped). */
export function parseDockerignore(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * Files editors write while saving (emacs lock and autosave files, vim swap and backup files and its
 * `4913` probe, JetBrains safe-write temporaries): docker compose never acts on them.
 */
const EPHEMERAL: RegExp[] = [/^\.#/, /^#.*#$/, /^4913$/, /~$/, /\.sw[a-p]$/, /\.swx$/, /___jb_(old|tmp)___$/];

export function isEphemeral(hostPath: string): boolean {
  const name = path.basename(hostPath);
  return EPHEMERAL.some((re) => re.test(name));
}

/** Pure: `.git` anywhere on the path; docker compose ignores it for every rule. */
export function isInDotGit(hostPath: string): boolean {
  return hostPath.split(path.sep).includes('.git');
}
