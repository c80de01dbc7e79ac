/**
 * Schema conformance: schema/cases.json and using-variables.yaml against the schema tscompose ships
 * (compose-spec/), plus drift checks: our schema's keys and enums equal the official copy's, and the
 * pre-compiled validator was generated from the schema file as it is now.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { validateTree } from '../../src/compose/validate.js';
import { repoRoot, requireCorpus } from './conformance-paths.js';

const corpus = requireCorpus();
const schemaDir = path.join(corpus, 'schema');
const cases = JSON.parse(readFileSync(path.join(schemaDir, 'cases.json'), 'utf8')).cases as Array<{
  name: string; document?: unknown; documentFile?: string; valid: boolean;
}>;

for (const c of cases) {
  test(`schema case ${c.name}`, async () => {
    const doc = c.document ?? parse(readFileSync(path.join(schemaDir, c.documentFile!), 'utf8'), { version: '1.2', schema: 'core' });
    const err = await validateTree(doc);
    if (c.valid) assert.equal(err, undefined, `expected valid, got ${JSON.stringify(err)}`);
    else assert.notEqual(err, undefined, 'expected a validation error');
  });
}

test('using-variables.yaml (raw ${VARIABLE} everywhere) validates', async () => {
  const doc = parse(readFileSync(path.join(schemaDir, 'using-variables.yaml'), 'utf8'), { version: '1.2', schema: 'core' });
  assert.equal(await validateTree(doc), undefined);
});

/** Every property name (with its path) and every enum in a schema, as sorted strings. */
function shape(schema: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${at}[${i}]`)); return; }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.enum)) out.push(`${at} enum ${JSON.stringify([...o.enum].map(String).sort())}`);
    for (const [k, v] of Object.entries(o)) {
      if (k === 'properties' && v && typeof v === 'object') for (const p of Object.keys(v)) out.push(`${at}.${p}`);
      if (k === 'description') continue;
      walk(v, `${at}/${k}`);
    }
  };
  walk(schema, '');
  return out.sort();
}

test('compose-spec/ has the keys and enums of the official schema (drift check)', () => {
  const ours = JSON.parse(readFileSync(path.join(repoRoot, 'compose-spec/compose-spec.json'), 'utf8'));
  const official = JSON.parse(readFileSync(path.join(schemaDir, 'compose-spec.json'), 'utf8'));
  const a = new Set(shape(ours));
  const b = new Set(shape(official));
  assert.deepEqual([...b].filter((x) => !a.has(x)), [], 'keys/enums in the official schema missing from compose-spec/');
  assert.deepEqual([...a].filter((x) => !b.has(x)), [], 'keys/enums in compose-spec/ unknown to the official schema');
});

test('the pre-compiled validator was generated from the current schema', async () => {
  const text = readFileSync(path.join(repoRoot, 'compose-spec/compose-spec.json'), 'utf8');
  const mod = (await import(pathToFileURL(path.join(repoRoot, 'compose-spec/validator.mjs')).href)) as { schemaDigest: string };
  assert.equal(mod.schemaDigest, createHash('sha256').update(text).digest('hex'), 'run: node compose-spec/generate-validator.mjs');
});

test('schema errors name the most specific key', async () => {
  const err = await validateTree({ services: { web: { image: 'x', ports: ['80', true] } } });
  assert.ok(err);
  assert.deepEqual(err.path.slice(0, 4), ['services', 'web', 'ports', 1]);
  const unknown = await validateTree({ services: { web: { image: 'x', imag: 'y' } } });
  assert.ok(unknown);
  assert.deepEqual(unknown.locatePath, ['services', 'web', 'imag']);
  assert.match(unknown.message, /additional properties 'imag' not allowed/);
});
