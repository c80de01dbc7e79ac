/**
 * Golden files for plan text forms: test/unit/reconcile/golden/<name>.txt. UPDATE_GOLDEN=1 rewrites them
 * (then read the diff: a golden is only as right as its review).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'golden');

export function assertGolden(name: string, actual: string): void {
  const file = join(dir, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden ${name}.txt is missing (run with UPDATE_GOLDEN=1 and review it)`);
  assert.equal(actual, readFileSync(file, 'utf8'), `plan differs from golden ${name}.txt`);
}
