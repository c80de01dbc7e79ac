/**
 * `.dockerignore` as docker reads it: one pattern a line, `#` comments, blank lines skipped, paths cleaned
 * and made relative to the context root, `*` and `?` stop at `/`, `**` crosses any number of directories,
 * `[...]` classes, `!` re-includes, and the last matching pattern wins. A pattern that matches a directory
 * matches everything under it. Pure: the builder asks `isIgnored(relativePath)` while walking the context,
 * and watch rules match changed paths with the same patterns.
 */
import path from 'node:path';
import { UserError } from '../errors.js';

export interface IgnorePattern {
  text: string;
  negated: boolean;
  regex: RegExp;
}

/** The patterns of a .dockerignore text; a bad one names the file and line. */
export function parseDockerignore(text: string, file = '.dockerignore'): IgnorePattern[] {
  return compileIgnorePatterns(text.split(/\r?\n/), (i) => `${file}:${i + 1}`);
}

/**
 * Patterns in the .dockerignore dialect (also develop.watch's ignore and include lists): blank lines and `#`
 * comments skipped, a leading `!` re-includes, each pattern cleaned as docker cleans it (leading `/` and `./`
 * and a trailing `/` dropped, `..` resolved). `where(i)` names entry i in an error.
 */
export function compileIgnorePatterns(lines: readonly string[], where: (i: number) => string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const [n, line] of lines.entries()) {
    let p = line.trim();
    if (p === '' || p.startsWith('#')) continue;
    const negated = p.startsWith('!');
    if (negated) p = p.slice(1).trim();
    p = path.posix.normalize(p).replace(/^\/+/, '').replace(/\/+$/, '');
    if (p === '' || p === '.') continue;
    try {
      out.push({ text: line.trim(), negated, regex: compilePattern(p) });
    } catch (e) {
      throw new UserError('E_IGNORE_PATTERN', `${where(n)}: invalid pattern "${line.trim()}": ${(e as Error).message}`);
    }
  }
  return out;
}

/** The pattern as an anchored regular expression over `/`-separated relative paths. */
export function compilePattern(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) throw new Error('unterminated character class');
      let cls = p.slice(i + 1, end);
      if (cls.startsWith('!') || cls.startsWith('^')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < p.length) re += escapeRe(p[++i]!);
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function matches(pat: IgnorePattern, rel: string): boolean {
  if (pat.regex.test(rel)) return true;
  // a match on any parent directory covers the path
  for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) if (pat.regex.test(rel.slice(0, i))) return true;
  return false;
}

/** True when the path (relative to the context, `/`-separated) is left out of the build context. */
export function isIgnored(patterns: readonly IgnorePattern[], rel: string): boolean {
  let ignored = false;
  for (const p of patterns) if (matches(p, rel)) ignored = !p.negated;
  return ignored;
}

/** A predicate for the builder, or undefined when nothing is ignored. */
export function ignoreFilter(text: string | undefined, file?: string): ((rel: string) => boolean) | undefined {
  if (text === undefined) return undefined;
  const patterns = parseDockerignore(text, file);
  if (patterns.length === 0) return undefined;
  return (rel) => isIgnored(patterns, rel);
}
