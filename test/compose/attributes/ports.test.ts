import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadService, svc } from './helpers.js';

test('ports: short syntax with host ip, published and protocol', async () => {
  const s = await loadService(svc('ports:\n  - "127.0.0.1:8080:80/udp"\n  - 3000\n  - "9000:9000"'));
  assert.deepEqual(s.ports, [
    { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' },
    { mode: 'ingress', target: 3000, protocol: 'tcp' },
    { mode: 'ingress', target: 9000, published: '9000', protocol: 'tcp' },
  ]);
});

test('ports: ranges expand to one entry per container port', async () => {
  const s = await loadService(svc('ports: ["8000-8002:80-82"]'));
  assert.deepEqual(s.ports.map((p: any) => [p.published, p.target]), [['8000', 80], ['8001', 81], ['8002', 82]]);
});

test('ports: a published range onto one container port stays one entry', async () => {
  const s = await loadService(svc('ports: ["9090-9091:8080"]'));
  assert.deepEqual(s.ports, [{ mode: 'ingress', target: 8080, published: '9090-9091', protocol: 'tcp' }]);
});

test('ports: IPv6 host ip in brackets', async () => {
  const s = await loadService(svc('ports: ["[::1]:8080:80"]'));
  assert.equal(s.ports[0].host_ip, '::1');
  assert.equal(s.ports[0].published, '8080');
});

test('ports: long syntax gets defaults; published becomes a string, target an integer', async () => {
  const s = await loadService(svc('ports:\n  - target: 80\n    published: 8080\n    name: web\n    app_protocol: http\n    mode: host'));
  assert.deepEqual(s.ports, [{ target: 80, published: '8080', protocol: 'tcp', mode: 'host', name: 'web', app_protocol: 'http' }]);
});

test('ports: interpolated values', async () => {
  const s = await loadService(svc('ports: ["${PORT}:80"]'), 'web', { env: { PORT: '8081' } });
  assert.equal(s.ports[0].published, '8081');
});

test('ports: a bad port names the key and the file position', async () => {
  const msg = await loadError(svc('ports:\n  - "80"\n  - "eighty:80"'));
  assert.match(msg, /compose\.yaml:\d+:\d+: services\.web\.ports\[1\]: invalid published port "eighty"/);
});

test('ports: mismatched ranges are rejected', async () => {
  assert.match(await loadError(svc('ports: ["8000-8001:80-82"]')), /range/);
});
