import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('links: kept as written; the linked service becomes a dependency', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    links: ["db:database"]\n  db:\n    image: b\n');
  assert.deepEqual(doc.services.web.links, ['db:database']);
  assert.ok(doc.services.web.depends_on.db);
});

test('volumes_from: service and container: forms; unknown service is an error', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    volumes_from: ["data:ro", "container:other"]\n  data:\n    image: b\n');
  assert.deepEqual(doc.services.web.volumes_from, ['data:ro', 'container:other']);
  assert.deepEqual(Object.keys(doc.services.web.depends_on), ['data']);
  assert.match(await loadError('services:\n  web:\n    image: a\n    volumes_from: [ghost]\n'), /depends on undefined service "ghost"/);
});

test('network_mode: host, none, service: and container: forms', async () => {
  for (const mode of ['host', 'none', 'container:abc']) {
    assert.equal((await loadYaml(`services:\n  web:\n    image: a\n    network_mode: "${mode}"\n`)).doc.services.web.network_mode, mode);
  }
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    network_mode: service:vpn\n  vpn:\n    image: b\n');
  assert.equal(doc.services.web.depends_on.vpn.restart, true);
  assert.match(await loadError('services:\n  web:\n    image: a\n    network_mode: service:ghost\n'), /depends on undefined service "ghost"/);
});
