import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readConformanceJson, lookupOf } from './conformance-data.js';
import { interpolate, interpolateTree, extractVariables, InterpolationError } from '../../src/compose/interpolate.js';

/** Cases judged wrong for docker compose, by name, with the reason. Keep it empty if possible. */
const EXCEPTIONS: Record<string, string> = {};

const cases = readConformanceJson('interpolation', 'cases.json').cases as any[];
const docCases = readConformanceJson('interpolation', 'document-cases.json').cases as any[];
const opCases = readConformanceJson('interpolation', 'operator-choice.json').cases as any[];
const varCases = readConformanceJson('interpolation', 'extract-variables.json').cases as any[];

test('the interpolation corpus is present and non-empty', () => {
  assert.ok(cases.length > 50 && docCases.length > 20 && opCases.length > 5 && varCases.length > 10);
});

for (const c of cases) {
  test(`interpolation/cases: ${c.name}`, { skip: EXCEPTIONS[c.name] }, () => {
    const lookup = lookupOf(c.env);
    if (c.error) {
      assert.throws(() => interpolate(c.template, lookup), (e: any) => {
        assert.ok(e instanceof InterpolationError, `not an InterpolationError: ${e}`);
        assert.equal(e.code, 'E_INTERPOLATE');
        assert.equal(e.kind, c.errorKind);
        assert.ok(e.message.includes(c.errorContains), `${e.message} lacks ${c.errorContains}`);
        if (c.errorVariable !== undefined) assert.equal(e.variable, c.errorVariable);
        if (c.errorReason !== undefined) assert.equal(e.reason, c.errorReason);
        return true;
      });
      return;
    }
    const r = interpolate(c.template, lookup);
    assert.equal(r.value, c.expected);
    if (c.warnings !== undefined) assert.equal(r.missing.length, c.warnings);
  });
}

for (const c of docCases) {
  test(`interpolation/document-cases: ${c.name}`, { skip: EXCEPTIONS[c.name] }, () => {
    const lookup = lookupOf(c.env);
    const typeCast = c.typeCast as Record<string, 'int' | 'bool'> | undefined;
    if (c.error) {
      assert.throws(() => interpolateTree(c.input, lookup, { typeCast }), (e: any) => {
        assert.equal(e.code, 'E_INTERPOLATE');
        assert.equal(e.message, c.errorMessage);
        return true;
      });
      return;
    }
    const before = JSON.stringify(c.input);
    assert.deepEqual(interpolateTree(c.input, lookup, { typeCast }).tree, c.expected);
    assert.equal(JSON.stringify(c.input), before, 'the input tree must not be modified');
  });
}

for (const c of opCases) {
  test(`interpolation/operator-choice: ${c.name}`, () => {
    // The governing operator decides which variable state triggers the argument; probe all three.
    const results = ['unset', 'empty', 'set'].map((state) => {
      const env: Record<string, string> = state === 'unset' ? {} : { VARNAME: state === 'empty' ? '' : 'V' };
      try { return interpolate('${' + c.input + '}', lookupOf(env)).value; } catch { return 'ERR'; }
    });
    const arg = c.input.slice('VARNAME'.length + c.operator.length);
    const expected: Record<string, string[]> = {
      ':?': ['ERR', 'ERR', 'V'], '?': ['ERR', '', 'V'], ':-': [arg, arg, 'V'], '-': [arg, '', 'V'],
      ':+': ['', '', arg], '+': ['', arg, arg],
    };
    assert.deepEqual(results, expected[c.operator]);
  });
}

for (const c of varCases) {
  test(`interpolation/extract-variables: ${c.name}`, () => {
    assert.deepEqual(extractVariables(c.input), c.expected);
  });
}

test('a tree without variables comes back unchanged (no copy)', () => {
  const tree = { services: { web: { image: 'nginx', ports: ['80:80'] } } };
  assert.equal(interpolateTree(tree, () => undefined).tree, tree);
});

test('list elements are named by index in errors', () => {
  assert.throws(() => interpolateTree({ services: { web: { ports: ['80', '${'] } } }, () => undefined),
    /invalid interpolation format for services\.web\.ports\[1\]/);
});

test('unset variables are reported once each', () => {
  const r = interpolateTree({ a: '$X', b: ['${X}', '${Y:-$Z}'] }, () => undefined);
  assert.deepEqual([...r.missing].sort(), ['X', 'Z']);
});
