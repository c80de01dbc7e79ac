/**
 * normalize/cases.json: the canonical + defaults + env-resolution stages on a raw, merged model
 * (compose-go's normalisation) must give the expected model. Both sides are put in canonical form
 * before comparing, so the expected files' short syntax compares with our long form.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { resolveServiceEnvironment } from '../../src/compose/canonical/environment.js';
import { canonicalize } from '../../src/compose/canonical/table.js';
import { applyDefaults } from '../../src/compose/defaults.js';
import { parseDotenv } from '../../src/compose/dotenv.js';
import { diff } from './compare.js';
import { requireCorpus } from './conformance-paths.js';

const dir = path.join(requireCorpus(), 'normalize');
const index = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as { cases: Array<{ name: string; input: string; expected: string; env: Record<string, string> }> };

function readTree(file: string): Record<string, unknown> {
  return parse(readFileSync(path.join(dir, file), 'utf8'), { version: '1.2', schema: 'core' }) as Record<string, unknown>;
}

export function normalize(tree: Record<string, unknown>, env: Record<string, string>): Record<string, unknown> {
  canonicalize(tree);
  applyDefaults(tree, String(tree.name));
  const services = (tree.services ?? {}) as Record<string, Record<string, unknown>>;
  const io = { env, workingDir: dir, readText: () => undefined, parseDotenv };
  for (const [name, s] of Object.entries(services)) services[name] = resolveServiceEnvironment(name, s, io);
  return tree;
}

test('the normalize corpus is not empty', () => assert.ok(index.cases.length >= 9));

for (const c of index.cases) {
  test(`normalize ${c.name}`, () => {
    const actual = normalize(readTree(c.input), c.env);
    const expected = canonicalize(readTree(c.expected));
    assert.equal(diff(actual, expected), undefined);
  });
}
