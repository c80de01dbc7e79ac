import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tscompose } from '../../helpers/cli.js';
import { productVersion } from '../../../src/version.js';

test('version answers in pretty, json and short forms', async () => {
  const v = productVersion();
  assert.match(v, /^\d+\.\d+\.\d+/);
  assert.deepEqual(await tscompose(['version']), { code: 0, stdout: `tscompose version v${v}\n`, stderr: '' });
  assert.equal((await tscompose(['version', '--format', 'json'])).stdout, `${JSON.stringify({ version: `v${v}` })}\n`);
  // As in docker compose, a command's own -f (format) shadows the global -f (file).
  assert.equal((await tscompose(['version', '-f', 'json'])).stdout, `${JSON.stringify({ version: `v${v}` })}\n`);
  assert.equal((await tscompose(['-f', 'x.yml', 'version', '--short'])).stdout, `${v}\n`);
});

test('an unknown command prints usage and exits 1', async () => {
  const r = await tscompose(['frobnicate']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^unknown command "frobnicate" for "tscompose"\nRun 'tscompose --help' for usage\.\n$/);
});

test('an unknown flag prints usage and exits 1', async () => {
  const r = await tscompose(['version', '--bogus']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^unknown flag: --bogus\n/);
});

test('a bad global option value exits 1 with the flag named', async () => {
  const r = await tscompose(['--progress', 'fancy', 'version']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid argument "fancy" for "--progress"/);
});

test('--env-file reaches tscompose, not node (the launcher stops node option parsing)', async () => {
  const r = await tscompose(['--env-file', 'does-not-exist.env', 'version', '--short']);
  assert.equal(r.code, 0, r.stderr);
});

test('bare invocation prints usage with the global options and exits 0', async () => {
  const r = await tscompose([]);
  assert.equal(r.code, 0);
  for (const flag of ['--file', '--project-name', '--project-directory', '--env-file', '--profile', '--parallel', '--progress', '--ansi', '--dry-run']) {
    assert.ok(r.stdout.includes(flag), `usage lists ${flag}`);
  }
});
