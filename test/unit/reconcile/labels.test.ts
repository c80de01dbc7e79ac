import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerName, dependsOnLabel, L, nextNumbers, oneoffName, serviceLabels } from '../../../src/reconcile/labels.js';

test('names follow docker compose', () => {
  assert.equal(containerName('demo', 'web', 2), 'demo-web-2');
  assert.equal(containerName('demo', 'web', 1, 'my-web'), 'my-web');
  assert.equal(oneoffName('demo', 'web', '0123456789abcdef0123'), 'demo-web-run-0123456789ab');
});

test('new container numbers count on from the highest in use, as docker compose does', () => {
  assert.deepEqual(nextNumbers([], 3), [1, 2, 3]);
  assert.deepEqual(nextNumbers([1, 3], 2), [4, 5]);
});

test('depends_on label is dep:condition:restart in file order', () => {
  assert.equal(dependsOnLabel({ db: { condition: 'service_healthy', restart: true }, cache: { condition: 'service_started' } }), 'db:service_healthy:true,cache:service_started:false');
});

test('service labels carry the project, service, number, oneoff flag, hash and files', () => {
  const labels = serviceLabels({ project: 'demo', workingDir: '/src/demo', configFiles: ['/src/demo/compose.yaml', '/src/demo/compose.override.yaml'], version: '0.1.0' }, 'web', { number: 1, configHash: 'abc' });
  assert.deepEqual(labels, {
    [L.project]: 'demo', [L.service]: 'web', [L.oneoff]: 'False', [L.configHash]: 'abc', [L.version]: '0.1.0',
    [L.workingDir]: '/src/demo', [L.configFiles]: '/src/demo/compose.yaml,/src/demo/compose.override.yaml', [L.number]: '1',
  });
  const oneoff = serviceLabels({ project: 'demo', workingDir: '/d', configFiles: [], version: '0.1.0', envFiles: ['/d/a.env'] }, 'web', { oneoff: true, number: 4, configHash: 'h', slug: 'ff' });
  assert.equal(oneoff[L.oneoff], 'True');
  assert.equal(oneoff[L.number], undefined);
  assert.equal(oneoff[L.environmentFile], '/d/a.env');
});
