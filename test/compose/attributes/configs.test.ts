import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('configs: short and long forms; top-level content and file', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    configs:\n      - app\n      - source: inline\n        target: /etc/inline.conf\nconfigs:\n  app:\n    file: /etc/hostname\n  inline:\n    content: "hello ${NAME}"\n', { env: { NAME: 'x' } });
  assert.deepEqual(doc.services.web.configs, [{ source: 'app' }, { source: 'inline', target: '/etc/inline.conf' }]);
  assert.deepEqual(doc.configs, { app: { name: 'test_app', file: '/etc/hostname' }, inline: { name: 'test_inline', content: 'hello x' } });
});

test('configs: undefined config is an error', async () => {
  assert.match(await loadError('services:\n  web:\n    image: a\n    configs: [nope]\n'), /service "web" refers to undefined config nope/);
});
