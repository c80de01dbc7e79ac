import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml, locate, RESET, isReset, isOverride, overrideValue } from '../../../src/compose/yaml.js';

test('YAML 1.2 core schema: yes/on stay strings, numbers and booleans are typed', () => {
  assert.deepEqual(parseYaml('a: yes\nb: on\nc: 1\nd: "1"\ne: true\nf: ~\ng: 0o17\nh: 1.5\n', 'c.yaml'),
    { a: 'yes', b: 'on', c: 1, d: '1', e: true, f: null, g: 15, h: 1.5 });
});

test('anchors and aliases are copied, not shared', () => {
  const t = parseYaml('x: &a {k: [1]}\ny: *a\n', 'c.yaml') as any;
  assert.deepEqual(t.y, { k: [1] });
  assert.notEqual(t.x, t.y);
  assert.notEqual(t.x.k, t.y.k);
});

test('merge keys: explicit keys win, earlier sources win over later ones', () => {
  const t = parseYaml('a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  r: 3\n  <<: [*a, *b]\n', 'c.yaml') as any;
  assert.deepEqual(t.c, { r: 3, p: 1, q: 1 });
});

test('merge key with a scalar is rejected', () => {
  assert.throws(() => parseYaml('x: &s "str"\ny:\n  <<: *s\n', 'c.yaml'), /map merge requires map/);
});

test('duplicate keys are errors naming file, line, column and the first definition', () => {
  assert.throws(() => parseYaml('services:\n  web:\n    image: a\n    image: b\n', 'dup.yaml'), (e: any) => {
    assert.equal(e.code, 'E_YAML');
    assert.match(e.message, /^dup\.yaml:4:5: line 4: mapping key "image" already defined at line 3$/);
    return true;
  });
});

test('syntax errors name file:line:column', () => {
  assert.throws(() => parseYaml('a: [1,\nb: c: d\n', 'bad.yaml'), (e: any) => {
    assert.equal(e.code, 'E_YAML');
    assert.match(e.message, /^bad\.yaml:\d+:\d+: \S/);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
});

test('!reset and !override are kept as markers on every node kind', () => {
  const t = parseYaml('a: !reset\nb: !reset []\nc: !override {x: 1}\nd: !override [1]\ne: !reset {}\n', 'c.yaml') as any;
  assert.ok(isReset(t.a) && isReset(t.b) && isReset(t.e));
  assert.equal(t.a, RESET);
  assert.ok(isOverride(t.c) && isOverride(t.d));
  assert.deepEqual(overrideValue(t.c), { x: 1 });
  assert.deepEqual(overrideValue(t.d), [1]);
  assert.equal(overrideValue('plain'), 'plain');
});

test('tags survive aliases and merge keys', () => {
  const t = parseYaml('x: &r !reset []\ny: &o !override {}\nz: *r\nw: *o\nm: &m {ports: !reset []}\nn: {<<: *m}\n', 'c.yaml') as any;
  assert.ok(isReset(t.z));
  assert.ok(isOverride(t.w));
  assert.ok(isReset(t.n.ports));
});

test('an anchor that merges itself is a cycle error', () => {
  assert.throws(() => parseYaml('x-h: &h\n  egress:\n    <<: *h\n', 'c.yaml'),
    /cycle detected: node at path x-h\.egress\.egress references node at path x-h\.egress/);
});

test('the same anchor under sibling services is not a cycle', () => {
  const t = parseYaml('services:\n  test.unit: &s\n    image: alpine\n  test: *s\n  test.other: *s\n', 'c.yaml') as any;
  assert.equal(t.services['test.other'].image, 'alpine');
});

test('alias bombs are refused quickly', () => {
  const levels = ['x-a: &a {k: v}'];
  const names = 'abcdefghij';
  for (let i = 1; i < names.length; i++) {
    levels.push(`x-${names[i]}: &${names[i]} [${Array(9).fill('*' + names[i - 1]).join(', ')}]`);
  }
  const t0 = Date.now();
  assert.throws(() => parseYaml(levels.join('\n') + '\n', 'bomb.yaml'), /excessive aliasing/);
  assert.ok(Date.now() - t0 < 5000);
});

test('node visit limit, and raising it', () => {
  const body = (n: string) => Array.from({ length: 50001 }, (_, i) => `  k${i}: v`).join('\n');
  const text = `name: t\nx-1:\n${body('1')}\nx-2:\n${body('2')}\n`;
  assert.throws(() => parseYaml(text, 'big.yaml'), /exceeds maximum node visit limit/);
  assert.equal(Object.keys((parseYaml(text, 'big.yaml', { maxNodeVisits: 200_000 }) as any)['x-2']).length, 50001);
});

test('an empty document is null', () => {
  assert.equal(parseYaml('', 'e.yaml'), null);
  assert.equal(parseYaml('# only a comment\n', 'e.yaml'), null);
});

test('locate points at keys and list items', () => {
  const text = 'services:\n  web:\n    ports:\n      - "80"\n      - "x"\n';
  assert.deepEqual(locate('c.yaml', text, ['services', 'web', 'ports']), { line: 3, column: 5 });
  assert.deepEqual(locate('c.yaml', text, ['services', 'web', 'ports', 1]), { line: 5, column: 9 });
  assert.equal(locate('c.yaml', text, ['services', 'db']), undefined);
});

test('several documents merge in order like successive files', () => {
  const t = parseYaml('name: x\nservices:\n  test:\n    image: a\n    ports: ["1:1"]\n---\nservices:\n  test:\n    image: b\n---\n', 'multi.yaml') as any;
  assert.deepEqual(t, { name: 'x', services: { test: { image: 'b', ports: ['1:1'] } } });
  assert.throws(() => parseYaml('a: 1\n---\nb: [\n', 'multi.yaml'), { message: /^multi\.yaml:4:1: / });
});

test('integers as go-yaml reads them: leading-zero octal, 0o, 0b, underscores', () => {
  assert.deepEqual(parseYaml('a: 0755\nb: 0o17\nc: 0b101\nd: 1_000\ne: "0755"\nf: 08\ng: 0\nh: -012\ni: 10\nj: 1.5\n', 'n.yaml'),
    { a: 493, b: 15, c: 5, d: 1000, e: '0755', f: 8, g: 0, h: -10, i: 10, j: 1.5 });
});

test('__proto__ keys are refused instead of silently changing a prototype', () => {
  assert.throws(() => parseYaml('labels:\n  __proto__: x\n', 'p.yaml'), { message: /^p\.yaml:2:3: mapping key "__proto__" is not supported$/ });
});

test('explicit core tags and !!binary give plain data', () => {
  assert.deepEqual(parseYaml('a: !!str 0755\nb: !!int "12"\nc: !!binary aGk=\n', 't.yaml'), { a: '0755', b: 12, c: 'hi' });
});

test('locate in a multi-document file finds the last document that has the path', () => {
  const text = 'services:\n  a:\n    image: x\n---\nservices:\n  a:\n    image: y\n';
  assert.deepEqual(locate('m.yaml', text, ['services', 'a', 'image']), { line: 7, column: 5 });
  assert.deepEqual(locate('m.yaml', 'other: 1\n', ['other']), { line: 1, column: 1 });
});

// The constructs below are where js-yaml (the fast reader) and the spec disagree; parseYaml must still
// answer as go-yaml does.
test('collection keys are refused, not turned into strings', () => {
  for (const text of ['[a]: b\n', '? [a]\n: b\n', 'x:\n  ? - a\n', '{[a]: b}\n']) {
    assert.throws(() => parseYaml(text, 'k.yaml'), { code: 'E_YAML', message: /^k\.yaml:\d+:\d+: / }, text);
  }
});

test('quoted scalars and flow collections must be indented past their key', () => {
  assert.throws(() => parseYaml('a:\n  b: "x\ny"\n', 'i.yaml'), { code: 'E_YAML', message: /^i\.yaml:\d+:\d+: / });
  assert.throws(() => parseYaml('a:\n  b: {\n}\n', 'i.yaml'), { code: 'E_YAML' });
  assert.throws(() => parseYaml('a: "x"#c\n', 'i.yaml'), { code: 'E_YAML' });
  assert.deepEqual(parseYaml('a:\n  b: "x\n    y"\n  c: [1,\n    2]\n', 'i.yaml'), { a: { b: 'x y', c: [1, 2] } });
});

test('a compact nested sequence ending in an empty entry keeps later items in the outer list', () => {
  assert.deepEqual(parseYaml('b:\n  - -\n  - 0x1F\n', 's.yaml'), { b: [[null], 31] });
});

test('a mapping cannot start on its key line after properties', () => {
  for (const text of ['labels: !!map FOO: 1\n', 'labels: ! FOO: 1\n', 'a: &x b: 1\n']) {
    assert.throws(() => parseYaml(text, 'm.yaml'), { code: 'E_YAML' }, text);
  }
  assert.deepEqual(parseYaml('- &x b: 1\n', 'm.yaml'), [{ b: 1 }]);
});

test('keys: go-yaml integers keep their core text, quoted "<<" is a plain key, several merge keys apply in order', () => {
  assert.deepEqual(Object.keys(parseYaml('0755: x\n0x10: y\n', 'k.yaml') as object).sort(), ['16', '755']);
  assert.deepEqual(parseYaml('"<<": {a: 1}\n', 'k.yaml'), { '<<': { a: 1 } });
  assert.deepEqual(parseYaml('c:\n  <<: {a: 1, b: 1}\n  <<: {b: 2, d: 2}\n  e: 3\n', 'k.yaml'), { c: { e: 3, a: 1, b: 1, d: 2 } });
  assert.deepEqual(parseYaml('a: <<\n', 'k.yaml'), { a: '<<' });
});

test('!override on a scalar keeps its text; aliases of null and empty documents', () => {
  const t = parseYaml('a: !override 5\nb: !override\n', 'o.yaml') as any;
  assert.equal(overrideValue(t.a), '5');
  assert.equal(overrideValue(t.b), '');
  assert.deepEqual(parseYaml('a: &e\nb: *e\n', 'n.yaml'), { a: null, b: null });
  assert.deepEqual(parseYaml('a: 1\n---\n~\n', 'n.yaml'), { a: 1 });
});

test('alias expansions are counted against the visit limit like written nodes', () => {
  const text = 'x: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\ny: [*a, *a, *a]\n';
  // Written nodes: root, x, 9 items, y, 3 aliases = 15 visits; the expansions count as aliased.
  assert.deepEqual((parseYaml(text, 'v.yaml', { maxNodeVisits: 15 }) as any).y[2], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => parseYaml(text, 'v.yaml', { maxNodeVisits: 14 }), /exceeds maximum node visit limit \(14\)/);
});

test('merge-key self references and numeric keys next to aliases read as before', () => {
  assert.throws(() => parseYaml('x-h: &h\n  <<: *h\n', 'c.yaml'), /excessive aliasing/);
  assert.deepEqual(parseYaml('k: &a {v: 1}\n10: *a\nb: x\n', 'c.yaml'), { 10: { v: 1 }, k: { v: 1 }, b: 'x' });
});
