/** Config hash: changes with what the container runs, not with build/scale/dependency settings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceHash, stableJson } from '../../src/compose/hash.js';
import type { ServiceConfig } from '../../src/compose/types.js';

const base: ServiceConfig = { name: 'web', image: 'nginx', environment: { A: '1' }, ports: [{ mode: 'ingress', target: 80, protocol: 'tcp', published: '8080' }] };

test('hash: a sha256 hex digest, independent of key order', () => {
  const h = serviceHash(base);
  assert.match(h, /^[0-9a-f]{64}$/);
  const reordered = { ports: base.ports, environment: base.environment, image: 'nginx', name: 'web' } as ServiceConfig;
  assert.equal(serviceHash(reordered), h);
  assert.equal(stableJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
});

test('hash: build, pull_policy, scale, deploy.replicas, depends_on and profiles do not count', () => {
  const h = serviceHash(base);
  assert.equal(serviceHash({ ...base, build: { context: '/x' }, pull_policy: 'always', scale: 3, profiles: ['p'],
    depends_on: { db: { condition: 'service_started', required: true } } }), h);
  assert.equal(serviceHash({ ...base, deploy: { replicas: 4 } }), serviceHash({ ...base, deploy: { replicas: 1 } }));
});

test('hash: image, environment, ports and deploy resources do count', () => {
  const h = serviceHash(base);
  assert.notEqual(serviceHash({ ...base, image: 'nginx:2' }), h);
  assert.notEqual(serviceHash({ ...base, environment: { A: '2' } }), h);
  assert.notEqual(serviceHash({ ...base, ports: [] }), h);
  assert.notEqual(serviceHash({ ...base, deploy: { resources: { limits: { memory: 1 } } } }), serviceHash({ ...base, deploy: {} }));
});
