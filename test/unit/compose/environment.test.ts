import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectEnvironment, withComposeSettingsFromEnvFiles } from '../../../src/compose/environment.js';

function dir(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'tscompose-env-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  for (const [p, c] of Object.entries(files)) writeFileSync(join(d, p), c);
  return d;
}

test('the OS environment wins over .env; .env fills the rest', (t) => {
  const d = dir(t, { '.env': 'A=file\nB=file\nC=${A}-x\n' });
  const env = projectEnvironment({ osEnv: { A: 'os', UNSET: undefined }, workingDir: d, cwd: '/somewhere' });
  assert.equal(env.A, 'os');
  assert.equal(env.B, 'file');
  assert.equal(env.C, 'os-x', '.env values see OS values first');
  assert.equal(env.PWD, '/somewhere');
  assert.ok(!('UNSET' in env));
});

test('PWD from the OS environment is kept', (t) => {
  const d = dir(t, {});
  assert.equal(projectEnvironment({ osEnv: { PWD: '/os' }, workingDir: d, cwd: '/other' }).PWD, '/os');
});

test('--env-file replaces .env; later files win; relative to cwd', (t) => {
  const d = dir(t, { '.env': 'DEFAULT=1\n', 'one.env': 'X=1\nY=1\n', 'two.env': 'Y=2\nZ=${X}\n' });
  const env = projectEnvironment({ osEnv: {}, workingDir: d, cwd: d, envFiles: ['one.env', join(d, 'two.env')] });
  assert.equal(env.X, '1');
  assert.equal(env.Y, '2');
  assert.equal(env.Z, '1');
  assert.ok(!('DEFAULT' in env));
});

test('a missing --env-file is an error', (t) => {
  const d = dir(t, {});
  assert.throws(() => projectEnvironment({ osEnv: {}, workingDir: d, cwd: d, envFiles: ['nope.env'] }),
    /couldn't find env file: .*nope\.env/);
});

test('COMPOSE_DISABLE_ENV_FILE skips the default .env only', (t) => {
  const d = dir(t, { '.env': 'A=1\n', 'x.env': 'B=2\n' });
  assert.ok(!('A' in projectEnvironment({ osEnv: { COMPOSE_DISABLE_ENV_FILE: 'true' }, workingDir: d, cwd: d })));
  assert.ok(!('A' in projectEnvironment({ osEnv: { COMPOSE_DISABLE_ENV_FILE: '1' }, workingDir: d, cwd: d })));
  assert.equal(projectEnvironment({ osEnv: { COMPOSE_DISABLE_ENV_FILE: 'false' }, workingDir: d, cwd: d }).A, '1');
  assert.equal(projectEnvironment({ osEnv: { COMPOSE_DISABLE_ENV_FILE: 'true' }, workingDir: d, cwd: d, envFiles: ['x.env'] }).B, '2');
  assert.throws(() => projectEnvironment({ osEnv: { COMPOSE_DISABLE_ENV_FILE: 'maybe' }, workingDir: d, cwd: d }),
    /COMPOSE_DISABLE_ENV_FILE/);
});

test('COMPOSE_* settings of .env count as process environment unless already set', (t) => {
  const d = dir(t, { '.env': 'COMPOSE_FILE=a.yaml\nCOMPOSE_PROFILES=p\nOTHER=1\n' });
  const env = withComposeSettingsFromEnvFiles({ osEnv: { COMPOSE_PROFILES: 'os' }, workingDir: d, cwd: d });
  assert.equal(env.COMPOSE_FILE, 'a.yaml');
  assert.equal(env.COMPOSE_PROFILES, 'os');
  assert.ok(!('OTHER' in env));
});
