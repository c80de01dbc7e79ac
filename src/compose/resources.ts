/**
 * Remote resources: `include` entries and `extends.file` references that a resource loader accepts
 * (`oci://…`, git URLs, or any prefix a caller plugs in) are fetched to local files before the
 * include and extends stages run, so those stages stay synchronous and only ever read local files.
 *
 * Fetching is recursive: a fetched file may itself include or extend other remote resources, and
 * its relative references belong to its own folder. Each reference is fetched once per load; a
 * reference cycle stops the walk (the extends stage reports the cycle with its chain).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseYaml } from './yaml.js';

export interface ResourceLoader {
  /** Whether this loader serves the reference (its prefix or URL form). */
  accept(ref: string): boolean;
  /** Fetches what the reference names and returns the local path of its Compose file. */
  load(ref: string): Promise<string>;
}

type Tree = Record<string, unknown>;

const isMapping = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Pure: the file references of one Compose tree (include paths, extends.file), in document order. */
export function collectFileReferences(tree: unknown): string[] {
  if (!isMapping(tree)) return [];
  const out: string[] = [];
  if (Array.isArray(tree.include)) {
    for (const e of tree.include) {
      if (typeof e === 'string') out.push(e);
      else if (isMapping(e)) {
        if (typeof e.path === 'string') out.push(e.path);
        else if (Array.isArray(e.path)) out.push(...e.path.filter((p): p is string => typeof p === 'string'));
      }
    }
  }
  if (isMapping(tree.services)) {
    for (const s of Object.values(tree.services)) {
      if (isMapping(s) && isMapping(s.extends) && typeof s.extends.file === 'string') out.push(s.extends.file);
    }
  }
  return out;
}

function readTree(path: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  try { return parseYaml(text, path); } catch { return undefined; }
}

/**
 * Fetches every remote reference reachable from `trees` and returns ref → local path. A loader's
 * failure stops the load with the reference named; files that cannot be read or parsed here are
 * left for the include/extends stages, which report them with their own messages. Files parsed on
 * the way go into `parsed` (path → tree) for those stages to take instead of parsing them again.
 */
export async function prefetchResources(trees: Array<{ tree: unknown; dir: string }>, loaders: ResourceLoader[], parsed?: Map<string, unknown>): Promise<Map<string, string>> {
  const fetched = new Map<string, string>();
  if (loaders.length === 0) return fetched;
  const visitedFiles = new Set<string>();
  const queue = [...trees];
  while (queue.length > 0) {
    const { tree, dir } = queue.shift()!;
    for (const ref of collectFileReferences(tree)) {
      const loader = loaders.find((l) => l.accept(ref));
      let local: string;
      if (loader) {
        if (fetched.has(ref)) continue;
        try {
          local = await loader.load(ref);
        } catch (e) {
          if (e instanceof UserError) throw e;
          throw new UserError('E_REMOTE_RESOURCE', `load remote resource ${ref}: ${e instanceof Error ? e.message : String(e)}`);
        }
        fetched.set(ref, local);
      } else {
        local = isAbsolute(ref) ? ref : resolve(dir, ref);
      }
      if (visitedFiles.has(local)) continue;
      visitedFiles.add(local);
      const sub = readTree(local);
      if (sub === undefined) continue;
      queue.push({ tree: sub, dir: dirname(local) });
      // handed to the include/extends stages, which would otherwise parse the same file again
      parsed?.set(local, sub);
    }
  }
  return fetched;
}

/** The include/extends path resolver: fetched references first, else a path relative to `workingDir`. */
export function resourceResolver(fetched: Map<string, string>): (ref: string, workingDir: string) => string {
  return (ref, workingDir) => fetched.get(ref) ?? (isAbsolute(ref) ? ref : resolve(workingDir, ref));
}
