import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readConformanceJson, readConformanceText } from './conformance-data.js';
import { parseYaml } from '../../src/compose/yaml.js';
import { mergeTrees, enforceUnicity, stripMarkers } from '../../src/compose/merge.js';

/** Cases judged wrong for docker compose, by name, with the reason. Keep it empty if possible. */
const EXCEPTIONS: Record<string, string> = {};

const index = readConformanceJson('merge', 'cases.json');
const load = (name: string) => parseYaml(readConformanceText('merge', name), name);

test('the merge corpus is present and non-empty', () => {
  assert.ok(index.cases.length > 50 && index.unicity.cases.length >= 4);
});

for (const c of index.cases as any[]) {
  test(`merge/cases: ${c.name}`, { skip: EXCEPTIONS[c.name] }, () => {
    const base = load(c.base);
    const override = load(c.override);
    const baseCopy = structuredClone(base);
    let got = mergeTrees(base, override);
    if (c.enforceUnicity) got = enforceUnicity(got);
    assert.deepEqual(got, load(c.expected));
    assert.deepEqual(base, baseCopy, 'the base tree must not be modified');
  });
}

for (const c of index.unicity.cases as any[]) {
  test(`merge/unicity: ${c.name}`, { skip: EXCEPTIONS[c.name] }, () => {
    assert.deepEqual(enforceUnicity(load(c.input)), load(c.expected));
  });
}

test('!reset removes the key, !override replaces without merging', () => {
  const base = parseYaml('services:\n  a:\n    image: x\n    ports: ["80:80"]\n    environment: {A: "1", B: "2"}\n    build: .\n', 'b.yaml');
  const over = parseYaml('services:\n  a:\n    ports: !override ["90:90"]\n    environment:\n      A: !reset\n    build: !reset\n', 'o.yaml');
  assert.deepEqual(mergeTrees(base, over), { services: { a: { image: 'x', ports: ['90:90'], environment: ['B=2'] } } });
});

test('a type clash names the path', () => {
  assert.throws(() => mergeTrees({ services: { a: { deploy: { x: 1 } } } }, { services: { a: { deploy: 'str' } } }),
    /cannot override services\.a\.deploy/);
});

test('stripMarkers drops !reset entries of a single file and unwraps !override', () => {
  const t = parseYaml('a: !reset\nb: !override [1]\nc: [1, !reset 2, 3]\n', 'x.yaml');
  assert.deepEqual(stripMarkers(t), { b: [1], c: [1, 3] });
});
