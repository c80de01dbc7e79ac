import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('secrets: short form becomes {source, target: /run/secrets/<name>}; long form keeps target/uid/gid/mode (octal string → number)', async () => {
  const { doc, dir } = await loadYaml('services:\n  web:\n    image: a\n    secrets:\n      - pw\n      - source: key\n        target: /run/key\n        uid: "100"\n        mode: "0440"\nsecrets:\n  pw:\n    file: ./pw.txt\n  key:\n    environment: KEY\n');
  assert.deepEqual(doc.services.web.secrets, [{ source: 'pw', target: '/run/secrets/pw' }, { source: 'key', target: '/run/key', uid: '100', mode: 0o440 }]);
  assert.deepEqual(doc.secrets, { pw: { name: 'test_pw', file: path.join(dir, 'pw.txt') }, key: { name: 'test_key', environment: 'KEY' } });
});

test('secrets: undefined secret is an error', async () => {
  assert.match(await loadError('services:\n  web:\n    image: a\n    secrets: [nope]\n'), /service "web" refers to undefined secret nope/);
});

test('secrets: external keeps its key as name', async () => {
  const { doc } = await loadYaml('services: {}\nsecrets:\n  s:\n    external: true\n');
  assert.deepEqual(doc.secrets, { s: { name: 's', external: true } });
});
