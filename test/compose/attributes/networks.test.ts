import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('networks: service list form becomes a mapping; default network added only when needed', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    networks: [front, back]\nnetworks:\n  front:\n  back:\n');
  assert.deepEqual(doc.services.web.networks, { front: null, back: null });
  assert.deepEqual(doc.networks, { front: { name: 'test_front' }, back: { name: 'test_back' } });
});

test('networks: service mapping form with aliases, addresses, priority', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    networks:\n      front:\n        aliases: [www]\n        ipv4_address: 172.16.0.10\n        priority: 100\nnetworks:\n  front:\n    ipam:\n      config: [{ subnet: 172.16.0.0/24 }]\n');
  assert.deepEqual(doc.services.web.networks.front, { aliases: ['www'], ipv4_address: '172.16.0.10', priority: 100 });
  assert.deepEqual(doc.networks.front.ipam, { config: [{ subnet: '172.16.0.0/24' }] });
});

test('networks: a service without networks joins the project default network', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n');
  assert.deepEqual(doc.services.web.networks, { default: null });
  assert.deepEqual(doc.networks, { default: { name: 'test_default' } });
});

test('networks: network_mode services get no default network', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    image: a\n    network_mode: host\n');
  assert.equal(doc.services.web.networks, undefined);
  assert.equal(doc.networks, undefined);
});

test('networks (top level): external and legacy external.name, custom name, driver_opts as strings', async () => {
  const { doc } = await loadYaml('services: {}\nnetworks:\n  ext:\n    external: true\n  legacy:\n    external:\n      name: real\n  n:\n    name: custom\n    driver: bridge\n    driver_opts: { mtu: 1400 }\n    internal: true\n    enable_ipv6: true\n');
  assert.deepEqual(doc.networks, {
    ext: { name: 'ext', external: true }, legacy: { name: 'real', external: true },
    n: { name: 'custom', driver: 'bridge', driver_opts: { mtu: '1400' }, internal: true, enable_ipv6: true },
  });
});

test('networks: an undefined network is an error', async () => {
  assert.match(await loadError('services:\n  web:\n    image: a\n    networks: [nope]\n'), /service "web" refers to undefined network nope/);
});
