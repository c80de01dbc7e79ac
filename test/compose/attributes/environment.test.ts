import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';

test('environment: list form becomes a mapping; key-only entries resolve from the project env', async () => {
  const s = await loadService(svc('environment:\n  - A=1\n  - B\n  - C\n  - D=x=y'), 'web', { env: { B: 'from-env' } });
  assert.deepEqual(s.environment, { A: '1', B: 'from-env', C: null, D: 'x=y' });
});

test('environment: mapping form; numbers and booleans become strings; null is key-only', async () => {
  const s = await loadService(svc('environment:\n  N: 1\n  T: true\n  E: ""\n  K:'), 'web', { env: { K: 'k' } });
  assert.deepEqual(s.environment, { N: '1', T: 'true', E: '', K: 'k' });
});

test('environment: values are interpolated, keys are not', async () => {
  const s = await loadService(svc('environment:\n  $KEY: ${VAL}'), 'web', { env: { VAL: 'v', KEY: 'k' } });
  assert.deepEqual(s.environment, { $KEY: 'v' });
});

test('environment: explicit entries win over env_file entries', async () => {
  const s = await loadService(svc('env_file: a.env\nenvironment: { A: explicit }'), 'web', { files: { 'a.env': 'A=file\nB=file\n' } });
  assert.deepEqual(s.environment, { A: 'explicit', B: 'file' });
});

test('environment: --no-env-resolution keeps key-only entries null', async () => {
  const s = await loadService(svc('environment: [B]'), 'web', { env: { B: 'x' }, skip: { 'env-resolution': true } });
  assert.deepEqual(s.environment, { B: null });
});
