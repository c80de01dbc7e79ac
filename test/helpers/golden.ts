/**
 * Golden files: `<dir>/<name>.txt`. UPDATE_GOLDEN=1 rewrites them (then read the diff: a golden is only as
 * right as its review).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An assert for the golden files of one folder; `what` names the compared text in a failure. */
export function goldenAsserter(dir: string, what: string): (name: string, actual: string) => void {
  return (name, actual) => {
    const file = join(dir, `${name}.txt`);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    assert.ok(existsSync(file), `golden ${name}.txt is missing (run with UPDATE_GOLDEN=1 and review it)`);
    assert.equal(actual, readFileSync(file, 'utf8'), `${what} differs from golden ${name}.txt`);
  };
}
