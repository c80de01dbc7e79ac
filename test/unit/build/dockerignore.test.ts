import assert from 'node:assert/strict';
import test from 'node:test';
import { isIgnored, parseDockerignore } from '../../../src/build/dockerignore.js';

test('.dockerignore: globs, ** across directories, directory matches cover contents, ! exceptions, last match wins', () => {
  const pats = parseDockerignore([
    '# comment',
    '',
    '*.log',
    '/node_modules',
    '**/*.tmp',
    'docs/',
    '!docs/keep.md',
    'secret?.txt',
    'build/**',
    '!build/**/*.keep',
    './dist/../out',
  ].join('\n'));
  const cases: Array<[string, boolean]> = [
    ['app.log', true], ['sub/app.log', false], ['node_modules', true], ['node_modules/x/index.js', true],
    ['a/b/c.tmp', true], ['c.tmp', true], ['docs/guide.md', true], ['docs/keep.md', false],
    ['secret1.txt', true], ['secret12.txt', false], ['build/x/y.o', true], ['build/x/y.keep', false],
    ['out/file', true], ['src/main.ts', false], ['Dockerfile', false],
  ];
  for (const [p, want] of cases) assert.equal(isIgnored(pats, p), want, p);
});

test('.dockerignore: character classes and escapes; a bad class names file and line', () => {
  const pats = parseDockerignore('file[0-9].txt\n\\*literal');
  assert.equal(isIgnored(pats, 'file5.txt'), true);
  assert.equal(isIgnored(pats, 'filex.txt'), false);
  assert.equal(isIgnored(pats, '*literal'), true);
  assert.equal(isIgnored(pats, 'xliteral'), false);
  assert.throws(() => parseDockerignore('ok\nbad[', 'ctx/.dockerignore'), /^Error: ctx\/.dockerignore:2: invalid pattern "bad\[": unterminated character class$|ctx\/.dockerignore:2: invalid pattern/);
});
