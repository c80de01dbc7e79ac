import assert from 'node:assert/strict';
import test from 'node:test';
import { expandWord, expandWords, splitPairs } from '../../../src/build/shell-words.js';

const vars = new Map([['A', 'one'], ['EMPTY', ''], ['SP', 'x y']]);

test('docker word expansion: forms of $VAR and ${VAR...}', () => {
  const cases: Array<[string, string]> = [
    ['$A', 'one'], ['${A}', 'one'], ['pre${A}post', 'preonepost'], ['$UNSET', ''],
    ['${UNSET:-dflt}', 'dflt'], ['${EMPTY:-dflt}', 'dflt'], ['${EMPTY-dflt}', ''], ['${UNSET-dflt}', 'dflt'],
    ['${A:+alt}', 'alt'], ['${EMPTY:+alt}', ''], ['${EMPTY+alt}', 'alt'], ['${UNSET:-$A}', 'one'],
    ["'$A'", '$A'], ['"$A"', 'one'], ['\\$A', '$A'], ['"\\$A"', '$A'], ['"a\\b"', 'a\\b'], ['$', '$'], ['a$-b', 'a$-b'],
    ['"x  y"', 'x  y'],
  ];
  for (const [input, want] of cases) assert.equal(expandWord(input, vars), want, input);
});

test('word lists split unquoted whitespace, also inside an unquoted expansion', () => {
  assert.deepEqual(expandWords('a  "b c" $SP "$SP"', vars), ['a', 'b c', 'x', 'y', 'x y']);
  assert.deepEqual(expandWords("'' x", vars), ['', 'x']);
});

test('ENV/LABEL pairs keep quotes for expansion; legacy form takes the rest of the line', () => {
  assert.deepEqual(splitPairs('a=1 b="two words" c=\'$lit\''), [{ key: 'a', value: '1' }, { key: 'b', value: '"two words"' }, { key: 'c', value: "'$lit'" }]);
  assert.deepEqual(splitPairs('KEY value with  spaces'), { legacyKey: 'KEY', value: 'value with  spaces' });
  assert.throws(() => splitPairs('a=1 b'), /expected key=value, got "b"/);
});
