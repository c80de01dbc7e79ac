/** The Project's dependency graph: every kind of edge, order, closure and cycles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProjectGraph, serviceClosure, serviceFromVolumesFrom, serviceOrder } from '../../../src/graph/project-graph.js';
import { makeProject, svc } from '../reconcile/fixtures.js';

const started = { condition: 'service_started' as const, required: true };

test('depends_on, links, namespaces and volumes_from are edges; networks and volumes are nodes', () => {
  const p = makeProject('demo', [
    svc('db', { volumes: [{ type: 'volume', source: 'data', target: '/d' }, { type: 'bind', source: '/tmp', target: '/t' }] }),
    svc('cache'),
    svc('api', { depends_on: { db: started }, links: ['cache:redis'] }),
    svc('vpn'),
    svc('app', { network_mode: 'service:vpn', networks: undefined, ipc: 'service:api', pid: 'host' }),
    svc('side', { volumes_from: ['app:ro', 'container:abc'] }),
  ], { volumes: { data: { name: 'demo_data' } } });
  const g = buildProjectGraph(p);
  assert.deepEqual(g.dependenciesOf('api').sort(), ['cache', 'db', 'network:default']);
  assert.deepEqual(g.dependenciesOf('db').sort(), ['network:default', 'volume:data']);
  assert.deepEqual(g.dependenciesOf('app').sort(), ['api', 'vpn']);
  assert.deepEqual(g.dependenciesOf('side').sort(), ['app', 'network:default']);
  assert.deepEqual(g.get('volume:data'), { kind: 'volume', name: 'data' });
  assert.deepEqual(serviceOrder(p), ['cache', 'db', 'api', 'vpn', 'app', 'side']);
  assert.deepEqual([...serviceClosure(p, ['app'])].sort(), ['api', 'app', 'cache', 'db', 'vpn']);
});

test('edges to services outside the project (profiles, required: false) are left out', () => {
  const p = makeProject('demo', [svc('web', { depends_on: { debug: { condition: 'service_started', required: false } } })]);
  assert.deepEqual(serviceOrder(p), ['web']);
});

test('a cycle, even through a namespace or a self reference, is an error naming it', () => {
  const cyc = makeProject('demo', [svc('a', { depends_on: { b: started } }), svc('b', { volumes_from: ['a'] })]);
  assert.throws(() => serviceOrder(cyc), (e: Error) => e.message === 'dependency cycle detected: a -> b -> a');
  const self = makeProject('demo', [svc('a', { depends_on: { a: started } })]);
  assert.throws(() => serviceClosure(self, ['a']), (e: Error) => e.message === 'dependency cycle detected: a -> a');
});

test('volumes_from names a service unless it is a container reference', () => {
  assert.equal(serviceFromVolumesFrom('app'), 'app');
  assert.equal(serviceFromVolumesFrom('app:ro'), 'app');
  assert.equal(serviceFromVolumesFrom('service:app:rw'), 'app');
  assert.equal(serviceFromVolumesFrom('container:abc'), undefined);
});
