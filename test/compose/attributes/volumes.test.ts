import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadError, loadYaml, svc } from './helpers.js';

test('volumes: short bind (relative, resolved against the project dir) with options', async () => {
  const { doc, dir } = await loadYaml(svc('volumes: ["./data:/data:ro,z"]'));
  assert.deepEqual(doc.services.web.volumes, [{ type: 'bind', source: path.join(dir, 'data'), target: '/data', read_only: true, bind: { create_host_path: true, selinux: 'z' } }]);
});

test('volumes: named volume, anonymous volume and nocopy', async () => {
  const { doc } = await loadYaml(`${svc('volumes: ["db:/var/lib/db:nocopy", "/cache"]')}volumes:\n  db: {}\n`);
  assert.deepEqual(doc.services.web.volumes, [
    { type: 'volume', source: 'db', target: '/var/lib/db', volume: { nocopy: true } },
    { type: 'volume', target: '/cache', volume: {} },
  ]);
});

test('volumes: absolute bind and propagation', async () => {
  const { doc } = await loadYaml(svc('volumes: ["/opt/data:/data:rshared"]'));
  assert.deepEqual(doc.services.web.volumes[0], { type: 'bind', source: '/opt/data', target: '/data', bind: { create_host_path: true, propagation: 'rshared' } });
});

test('volumes: long syntax (bind, tmpfs with size in bytes, image)', async () => {
  const { doc, dir } = await loadYaml(svc(`volumes:
  - type: bind
    source: ./src
    target: /src
    bind: { create_host_path: false }
  - type: tmpfs
    target: /tmp
    tmpfs: { size: 64m, mode: 1777 }
  - type: image
    source: alpine
    target: /img
    image: { subpath: etc }`));
  const [b, t, i] = doc.services.web.volumes;
  assert.deepEqual(b, { type: 'bind', source: path.join(dir, 'src'), target: '/src', bind: { create_host_path: false } });
  assert.deepEqual(t, { type: 'tmpfs', target: '/tmp', tmpfs: { size: String(64 * 1024 * 1024), mode: 1777 } });
  assert.deepEqual(i, { type: 'image', source: 'alpine', target: '/img', image: { subpath: 'etc' } });
});

test('volumes: a long-form bind section without create_host_path creates the host path', async () => {
  const { doc } = await loadYaml(svc('volumes:\n  - type: bind\n    source: /opt\n    target: /opt\n    bind: { propagation: rslave }'));
  assert.deepEqual(doc.services.web.volumes[0].bind, { propagation: 'rslave', create_host_path: true });
});

test('volumes: undefined named volume is a consistency error', async () => {
  assert.match(await loadError(svc('volumes: ["db:/data"]')), /service "web" refers to undefined volume db/);
});

test('volumes: unknown short option is rejected with its path', async () => {
  assert.match(await loadError(svc('volumes: ["/a:/b:bogus"]')), /services\.web\.volumes\[0\]: invalid volume "\/a:\/b:bogus"/);
});

test('volumes (top level): default name, explicit name, external, driver options', async () => {
  const { doc } = await loadYaml(`services: {}\nvolumes:\n  a:\n  b:\n    name: custom\n  c:\n    external: true\n  d:\n    driver: local\n    driver_opts: { type: tmpfs, o: "size=100m" }\n    labels: [x=y]\n`);
  assert.deepEqual(doc.volumes, {
    a: { name: 'test_a' }, b: { name: 'custom' }, c: { name: 'c', external: true },
    d: { name: 'test_d', driver: 'local', driver_opts: { type: 'tmpfs', o: 'size=100m' }, labels: { x: 'y' } },
  });
});
