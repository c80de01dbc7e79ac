/**
 * Ignore and include patterns of watch rules, in the .dockerignore dialect (src/build/dockerignore.ts: `*` and
 * `?` stay inside one segment, `**` spans segments, `!` turns a path back in, the last match wins, a pattern
 * naming a directory covers everything under it), relative to a base directory; and the paths docker compose
 * never acts on. Pure: no file system access.
 */
import path from 'node:path';
import { compileIgnorePatterns, isIgnored } from '../build/dockerignore.js';

export interface PathMatcher {
  /** whether the absolute host path is matched (by itself or through one of its parent directories) */
  matches(hostPath: string): boolean;
}

/** Pure: patterns relative to `base` (absolute host dir); an empty list matches nothing; `where` names the list in errors. */
export function createPatternMatcher(base: string, patterns: readonly string[], where = 'pattern'): PathMatcher {
  const compiled = compileIgnorePatterns(patterns, (i) => `${where}[${i}]`);
  return {
    matches(hostPath: string): boolean {
      if (compiled.length === 0) return false;
      const rel = path.relative(base, hostPath).split(path.sep).join('/');
      if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) return false;
      return isIgnored(compiled, rel);
    },
  };
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
