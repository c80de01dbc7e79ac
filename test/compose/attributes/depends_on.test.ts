import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

const two = (deps: string) => `services:\n  web:\n    image: a\n    depends_on:\n${deps}\n  db:\n    image: b\n`;

test('depends_on: short list form gets condition service_started and required true', async () => {
  const { doc } = await loadYaml(two('      - db'));
  assert.deepEqual(doc.services.web.depends_on, { db: { condition: 'service_started', required: true } });
});

test('depends_on: long form keeps condition, restart and required', async () => {
  const { doc } = await loadYaml(two('      db:\n        condition: service_healthy\n        restart: true\n        required: false'));
  assert.deepEqual(doc.services.web.depends_on, { db: { condition: 'service_healthy', restart: true, required: false } });
});

test('depends_on: an unknown service is an error', async () => {
  assert.match(await loadError('services:\n  web:\n    image: a\n    depends_on: [ghost]\n'), /service "web" depends on undefined service "ghost"/);
});

test('depends_on: cycles are reported with the cycle', async () => {
  const msg = await loadError('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n');
  assert.equal(msg, 'dependency cycle detected: a -> b -> a');
});

test('depends_on: an unknown condition is a schema error with its position', async () => {
  const msg = await loadError(two('      db:\n        condition: service_ready'));
  assert.match(msg, /compose\.yaml:\d+:\d+: .*services\.web\.depends_on\.db\.condition must be one of/);
});

test('depends_on: implicit dependencies from links, volumes_from and service: modes', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    links: ["db:database"]\n    volumes_from: [data]\n    network_mode: service:net\n  db: { image: b }\n  data: { image: c }\n  net: { image: d }\n');
  assert.deepEqual(doc.services.web.depends_on, {
    db: { condition: 'service_started', required: true, restart: true },
    data: { condition: 'service_started', required: true },
    net: { condition: 'service_started', required: true, restart: true },
  });
});
