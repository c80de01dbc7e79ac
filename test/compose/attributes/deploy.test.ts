import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml, svc } from './helpers.js';

test('deploy: resources (cpus number, memory bytes), restart_policy durations, labels list', async () => {
  const { doc } = await loadYaml(svc('deploy:\n  replicas: 2\n  labels: [a=b]\n  resources:\n    limits: { cpus: "0.5", memory: 512M, pids: 100 }\n    reservations: { memory: 128m }\n  restart_policy:\n    condition: on-failure\n    delay: 5s\n    max_attempts: 3\n    window: 2m'));
  assert.deepEqual(doc.services.web.deploy, {
    replicas: 2, labels: { a: 'b' },
    resources: { limits: { cpus: 0.5, memory: String(512 * 1024 ** 2), pids: 100 }, reservations: { memory: String(128 * 1024 ** 2) } },
    restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '2m0s' },
  });
});

test('deploy: the typed project keeps byte sizes as numbers', async () => {
  const { project } = await loadYaml(svc('deploy:\n  resources:\n    limits: { memory: 1k }'));
  assert.equal(project.services.web!.deploy!.resources!.limits!.memory, 1024);
});

test('deploy: replicas with container_name is an error', async () => {
  assert.match(await loadError(svc('container_name: one\ndeploy:\n  replicas: 2')), /can't set container_name and deploy\.replicas/);
});

test('deploy: placement is reported as ignored', async () => {
  const { project } = await loadYaml(svc('deploy:\n  placement:\n    constraints: [node.role==manager]'));
  assert.ok(project.warnings.includes('service "web": ignoring deploy.placement'));
});
