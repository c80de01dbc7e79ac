/**
 * Every service key and every top-level element of the schema has at least one attribute test: a
 * file named after it, a row in scalars.test.ts, or a test whose title starts with `<key>:`.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SCALAR_CASES } from './scalar-cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(path.join(here, '../../../compose-spec/compose-spec.json'), 'utf8'));

function coveredKeys(): Set<string> {
  const keys = new Set<string>(SCALAR_CASES.map(([k]) => k));
  for (const f of readdirSync(here).filter((n) => n.endsWith('.test.ts'))) {
    keys.add(f.replace(/\.test\.ts$/, ''));
    const text = readFileSync(path.join(here, f), 'utf8');
    for (const m of text.matchAll(/test\((['`])([^'`]+)\1/g)) {
      for (const part of m[2]!.split(/[:(]/)[0]!.split(/,\s*/)) keys.add(part.trim().split(' ')[0]!);
    }
  }
  return keys;
}

test('every service key of the schema has an attribute test', () => {
  const covered = coveredKeys();
  const missing = Object.keys(schema.$defs.service.properties).filter((k) => !covered.has(k));
  assert.deepEqual(missing, []);
});

test('every top-level element of the schema has an attribute test', () => {
  const covered = coveredKeys();
  const missing = Object.keys(schema.properties).filter((k) => !covered.has(k));
  assert.deepEqual(missing, []);
});
