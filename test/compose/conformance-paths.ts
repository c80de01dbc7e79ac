/** Where the shared conformance corpus lives (../shared/conformance from the repo root). Tests only. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const conformanceDir = path.resolve(repoRoot, '../shared/conformance');

/** Throws (so the test fails, never skips) when the corpus is missing. */
export function requireCorpus(): string {
  if (!existsSync(conformanceDir)) throw new Error(`conformance corpus not found at ${conformanceDir}`);
  return conformanceDir;
}
