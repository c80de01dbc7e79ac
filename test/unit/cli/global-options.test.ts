import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGlobalOptions } from '../../../src/cli/global-options.js';

test('flags win over COMPOSE_* variables', () => {
  const g = resolveGlobalOptions(
    { file: ['a.yml'], projectName: 'p1', profile: ['x,y', 'z'], parallel: '3', progress: 'plain', ansi: 'never', dryRun: true, envFile: ['e1'] },
    { COMPOSE_FILE: 'b.yml', COMPOSE_PROJECT_NAME: 'p2', COMPOSE_PROFILES: 'q', COMPOSE_PARALLEL_LIMIT: '9', COMPOSE_ENV_FILES: 'e2' },
  );
  assert.deepEqual(g, { files: ['a.yml'], projectName: 'p1', projectDirectory: undefined, envFiles: ['e1'], profiles: ['x', 'y', 'z'], parallel: 3, progress: 'plain', ansi: 'never', dryRun: true });
});

test('COMPOSE_* variables apply when no flag is given', () => {
  const g = resolveGlobalOptions({}, {
    COMPOSE_FILE: 'a.yml;b.yml', COMPOSE_PATH_SEPARATOR: ';', COMPOSE_PROJECT_NAME: 'demo',
    COMPOSE_PROFILES: 'dev, debug', COMPOSE_ENV_FILES: 'one.env,two.env', COMPOSE_PARALLEL_LIMIT: '-1',
    COMPOSE_PROGRESS: 'json', COMPOSE_ANSI: 'always',
  });
  assert.deepEqual(g.files, ['a.yml', 'b.yml']);
  assert.equal(g.projectName, 'demo');
  assert.deepEqual(g.profiles, ['dev', 'debug']);
  assert.deepEqual(g.envFiles, ['one.env', 'two.env']);
  assert.equal(g.parallel, -1);
  assert.equal(g.progress, 'json');
  assert.equal(g.ansi, 'always');
});

test('defaults: discover files, project .env, unlimited parallelism, auto progress', () => {
  const g = resolveGlobalOptions({}, {});
  assert.deepEqual(g.files, []);
  assert.equal(g.envFiles, undefined);
  assert.equal(g.parallel, -1);
  assert.equal(g.progress, 'auto');
  assert.equal(g.ansi, 'auto');
  assert.equal(g.dryRun, false);
});

test('bad values are usage errors naming the flag', () => {
  assert.throws(() => resolveGlobalOptions({ progress: 'fancy' }, {}), /invalid argument "fancy" for "--progress"/);
  assert.throws(() => resolveGlobalOptions({ parallel: 'many' }, {}), /invalid --parallel "many"/);
  assert.throws(() => resolveGlobalOptions({}, { COMPOSE_PARALLEL_LIMIT: '0' }), /COMPOSE_PARALLEL_LIMIT/);
});
