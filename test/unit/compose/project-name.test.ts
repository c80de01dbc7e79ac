import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProjectName, normalizeProjectName } from '../../../src/compose/project-name.js';

test('precedence: -p > COMPOSE_PROJECT_NAME > top-level name > directory', () => {
  const wd = '/home/u/My_App';
  assert.equal(resolveProjectName({ flag: 'flag', env: 'env', topLevel: 'top', workingDir: wd }), 'flag');
  assert.equal(resolveProjectName({ env: 'env', topLevel: 'top', workingDir: wd }), 'env');
  assert.equal(resolveProjectName({ topLevel: 'top', workingDir: wd }), 'top');
  assert.equal(resolveProjectName({ workingDir: wd }), 'my_app');
  assert.equal(resolveProjectName({ flag: '', env: '', topLevel: '', workingDir: wd }), 'my_app', 'empty values do not count');
});

test('normalisation: lowercase, only [a-z0-9_-], no leading _ or -', () => {
  assert.equal(normalizeProjectName('__My.Project-1 Ü'), 'myproject-1');
  assert.equal(normalizeProjectName('-_-abc'), 'abc');
  assert.equal(resolveProjectName({ topLevel: 'Hello World', workingDir: '/x' }), 'helloworld');
  assert.equal(resolveProjectName({ workingDir: '/srv/.Hidden.Dir' }), 'hiddendir');
});

test('an explicit invalid name is rejected with the rule', () => {
  for (const bad of ['MyApp', '_app', 'a.b', 'a b']) {
    assert.throws(() => resolveProjectName({ flag: bad, workingDir: '/x' }), (e: any) => {
      assert.equal(e.code, 'E_PROJECT_NAME');
      assert.equal(e.message, `invalid project name ${JSON.stringify(bad)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
      return true;
    });
  }
  assert.throws(() => resolveProjectName({ env: 'Bad', workingDir: '/x' }), /invalid project name "Bad"/);
});

test('a directory with no usable characters and no other name is an error', () => {
  assert.throws(() => resolveProjectName({ workingDir: '/tmp/___' }), /project name must not be empty/);
});
