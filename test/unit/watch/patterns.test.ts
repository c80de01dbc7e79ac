import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileIgnorePatterns, compilePattern } from '../../../src/build/dockerignore.js';
import { createPatternMatcher, isEphemeral, isInDotGit } from '../../../src/watch/patterns.js';

const parseDockerignore = (text: string): string[] => compileIgnorePatterns(text.split(/\r?\n/), () => 'f').map((p) => p.text);

test('patterns: * and ? stay in one segment, ** spans segments', () => {
  assert.ok(compilePattern('*.tmp').test('a.tmp'));
  assert.ok(!compilePattern('*.tmp').test('dir/a.tmp'));
  assert.ok(compilePattern('**/*.tmp').test('dir/sub/a.tmp'));
  assert.ok(compilePattern('**/*.tmp').test('a.tmp'), '**/ may match no directory');
  assert.ok(compilePattern('a?c').test('abc'));
  assert.ok(!compilePattern('a?c').test('a/c'));
  assert.ok(compilePattern('file[0-9].txt').test('file7.txt'));
  assert.ok(!compilePattern('file[!0-9].txt').test('file7.txt'));
  assert.ok(compilePattern('a.b').test('a.b') && !compilePattern('a.b').test('axb'), 'dots are literal');
});

test('patterns: cleaned as docker cleans them', () => {
  const one = (p: string) => compileIgnorePatterns([p], () => 'p');
  assert.ok(one('/node_modules/')[0]!.regex.test('node_modules'));
  assert.ok(one('./a/../b')[0]!.regex.test('b'));
  assert.deepEqual(one('.'), [], '"." names nothing');
  assert.ok(createPatternMatcher('/p', ['/node_modules/']).matches('/p/node_modules/x.js'));
});

test('matcher: relative to its base, a matched directory covers its content, the last match wins', () => {
  const m = createPatternMatcher('/p/site', ['node_modules', '*.tmp', '!keep.tmp', 'logs/**']);
  assert.ok(m.matches('/p/site/node_modules/x/y.js'));
  assert.ok(m.matches('/p/site/a.tmp'));
  assert.ok(!m.matches('/p/site/keep.tmp'));
  assert.ok(!m.matches('/p/site/sub/a.tmp'), '* does not reach into subdirectories');
  assert.ok(m.matches('/p/site/logs/2024/x.log'));
  assert.ok(!m.matches('/p/site/index.html'));
  assert.ok(!m.matches('/p/other/a.tmp'), 'outside the base');
  assert.ok(!m.matches('/p/site'), 'the base itself');
  assert.ok(!createPatternMatcher('/p', []).matches('/p/a'), 'no patterns match nothing');
  assert.throws(() => createPatternMatcher('/p', ['ok', 'bad['], 'develop.watch[0].ignore'), /develop\.watch\[0\]\.ignore\[1\]: invalid pattern "bad\["/);
});

test('.dockerignore: comments and blank lines are dropped', () => {
  assert.deepEqual(parseDockerignore('# deps\nnode_modules\n\n  *.log  \r\n!important.log\n'), ['node_modules', '*.log', '!important.log']);
});

test('editor temporaries and .git are never acted on', () => {
  for (const f of ['/p/.#index.html', '/p/#index.html#', '/p/4913', '/p/index.html~', '/p/.index.html.swp', '/p/a.swx', '/p/a.js___jb_tmp___']) assert.ok(isEphemeral(f), f);
  for (const f of ['/p/index.html', '/p/swp', '/p/4913.txt']) assert.ok(!isEphemeral(f), f);
  assert.ok(isInDotGit('/p/.git/HEAD'));
  assert.ok(!isInDotGit('/p/.github/ci.yml'));
});
