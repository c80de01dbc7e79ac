/** depends_on conditions as predicates over observed replicas, with docker compose's texts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDependencies, checkDependency, waitConditionOf, type DependencyInput } from '../../../src/reconcile/conditions.js';
import type { ObservedContainer } from '../../../src/reconcile/observed.js';
import { makeProject, svc } from './fixtures.js';

const ctr = (name: string, over: Partial<ObservedContainer> = {}): ObservedContainer => ({
  id: name, name, labels: {}, status: 'running', exitCode: null, health: null, networks: [], mounts: [], ...over,
});
const dep = (condition: DependencyInput['condition'], containers: ObservedContainer[], required = true): DependencyInput => ({ dependant: 'web', dependency: 'db', condition, required, containers });

test('service_started: satisfied once every replica was started', () => {
  assert.equal(checkDependency(dep('service_started', [ctr('demo-db-1', { status: 'created' })])), 'waiting');
  assert.equal(checkDependency(dep('service_started', [ctr('demo-db-1'), ctr('demo-db-2', { status: 'exited', exitCode: 1 })])), 'satisfied');
});

test('service_healthy: waits while starting, fails unhealthy / exited / without healthcheck', () => {
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1', { health: 'starting' })])), 'waiting');
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1', { status: 'created' })])), 'waiting');
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1', { health: 'healthy' }), ctr('demo-db-2', { health: 'healthy' })])), 'satisfied');
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1', { health: 'healthy' }), ctr('demo-db-2', { health: 'unhealthy' })])), 'failed: dependency failed to start: container demo-db-2 is unhealthy');
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1', { status: 'exited', exitCode: 3, health: 'unhealthy' })])), 'failed: dependency failed to start: container demo-db-1 exited (3)');
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1')])), 'failed: dependency failed to start: container demo-db-1 has no healthcheck configured');
});

test('service_completed_successfully: waits while running, exit 0 passes, other codes fail', () => {
  assert.equal(checkDependency(dep('service_completed_successfully', [ctr('demo-db-1')])), 'waiting');
  assert.equal(checkDependency(dep('service_completed_successfully', [ctr('demo-db-1', { status: 'exited', exitCode: 0 })])), 'satisfied');
  assert.equal(checkDependency(dep('service_completed_successfully', [ctr('demo-db-1', { status: 'exited', exitCode: 1 })])), `failed: service "db" didn't complete successfully: exit 1`);
});

test('required: false turns a failure into a skip with docker compose\'s warning', () => {
  assert.equal(checkDependency(dep('service_healthy', [ctr('demo-db-1', { health: 'unhealthy' })], false)), 'skipped: optional dependency "db" failed to start: container demo-db-1 is unhealthy');
  assert.equal(checkDependency(dep('service_completed_successfully', [ctr('demo-db-1', { status: 'exited', exitCode: 2 })], false)), `skipped: optional dependency "db" didn't complete successfully: exit 2`);
  assert.equal(checkDependency(dep('service_started', [], false)), 'skipped: web is missing dependency db');
  assert.equal(checkDependency(dep('service_started', [])), 'failed: web is missing dependency db');
});

test('running_or_healthy (up --wait): running counts without a healthcheck, health with one', () => {
  assert.equal(checkDependency(dep('running_or_healthy', [ctr('demo-db-1')])), 'satisfied');
  assert.equal(checkDependency(dep('running_or_healthy', [ctr('demo-db-1', { status: 'restarting' })])), 'waiting');
  assert.equal(checkDependency(dep('running_or_healthy', [ctr('demo-db-1', { health: 'starting' })])), 'waiting');
  assert.equal(checkDependency(dep('running_or_healthy', [ctr('demo-db-1', { status: 'exited', exitCode: 137 })])), 'failed: container demo-db-1 exited (137)');
});

test('all conditions of a service: the first failure decides, skips become warnings', () => {
  const replicas: Record<string, ObservedContainer[]> = {
    db: [ctr('demo-db-1', { health: 'healthy' })],
    cache: [ctr('demo-cache-1', { health: 'unhealthy' })],
    migrate: [ctr('demo-migrate-1')],
  };
  const r = checkDependencies('web', {
    db: { condition: 'service_healthy', required: true },
    cache: { condition: 'service_healthy', required: false },
    migrate: { condition: 'service_completed_successfully', required: true },
  }, (s) => replicas[s] ?? []);
  assert.deepEqual(r, { verdict: 'waiting', dependency: 'migrate', warnings: ['optional dependency "cache" failed to start: container demo-cache-1 is unhealthy'] });
  replicas.migrate = [ctr('demo-migrate-1', { status: 'exited', exitCode: 4 })];
  const failed = checkDependencies('web', { migrate: { condition: 'service_completed_successfully', required: true } }, (s) => replicas[s] ?? []);
  assert.equal(failed.verdict, `failed: service "migrate" didn't complete successfully: exit 4`);
  assert.equal(failed.dependency, 'migrate');
});

test('up --wait: a one-shot awaited with service_completed_successfully must complete, the rest run or turn healthy', () => {
  const project = makeProject('demo', [
    svc('migrate'),
    svc('db'),
    svc('app', { depends_on: { migrate: { condition: 'service_completed_successfully', required: true }, db: { condition: 'service_healthy', required: true } } }),
  ]);
  assert.equal(waitConditionOf(project, 'migrate'), 'service_completed_successfully');
  assert.equal(waitConditionOf(project, 'db'), 'running_or_healthy');
  assert.equal(waitConditionOf(project, 'app'), 'running_or_healthy');
  const exited = (code: number) => [ctr('demo-migrate-1', { status: 'exited', exitCode: code })];
  assert.equal(checkDependency({ dependant: 'migrate', dependency: 'migrate', condition: waitConditionOf(project, 'migrate'), required: true, containers: exited(0) }), 'satisfied');
  assert.equal(checkDependency({ dependant: 'db', dependency: 'db', condition: waitConditionOf(project, 'db'), required: true, containers: exited(0) }), 'failed: container demo-migrate-1 exited (0)');
});
