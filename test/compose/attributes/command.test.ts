import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadService, svc } from './helpers.js';

test('command: a string is split into words like a shell would, not run by one', async () => {
  const s = await loadService(svc(`command: echo "hello world" 'a b' c\\ d`));
  assert.deepEqual(s.command, ['echo', 'hello world', 'a b', 'c d']);
});

test('command: list form is kept', async () => {
  const s = await loadService(svc('command: ["sleep", "10"]'));
  assert.deepEqual(s.command, ['sleep', '10']);
});

test('command: list items must be strings (schema error with file position)', async () => {
  assert.match(await loadError(svc('command: ["sleep", 10]')), /compose\.yaml:\d+:\d+: validating: services\.web\.command\[1\] must be a string/);
});

test('command: empty list clears; null keeps the image default', async () => {
  assert.deepEqual((await loadService(svc('command: []'))).command ?? [], []);
  assert.equal((await loadService(svc('command: null'))).command, null);
});

test('command: unterminated quote is an error with its path', async () => {
  assert.match(await loadError(svc('command: echo "oops')), /services\.web\.command: unterminated double quote/);
});
