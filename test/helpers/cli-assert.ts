/** What e2e tests assert about CLI runs, in one place: success with the output shown on failure, JSON lines. */
import assert from 'node:assert/strict';
import type { CliResult } from './cli.js';

/** The run succeeded; otherwise the assertion shows its exit code and all it printed. */
export function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return r;
}

/** One JSON object per line (`ps --format json`, `ls --format json`, `events --json`). */
export function jsonLines<T>(r: CliResult): T[] {
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}
