/** Reads the shared conformance corpus (../shared/conformance beside the repo). Missing corpus = failing test. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

export function conformancePath(...parts: string[]): string {
  const p = join(CONFORMANCE_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`conformance corpus missing: ${p} (expected ../shared/conformance beside the repo)`);
  return p;
}

export function readConformanceJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(conformancePath(...parts), 'utf8')) as T;
}

export function readConformanceText(...parts: string[]): string {
  return readFileSync(conformancePath(...parts), 'utf8');
}

export function lookupOf(env: Record<string, string> | undefined): (name: string) => string | undefined {
  const e = env ?? {};
  return (name) => (Object.prototype.hasOwnProperty.call(e, name) ? e[name] : undefined);
}
