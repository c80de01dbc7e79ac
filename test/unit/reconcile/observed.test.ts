/** Selecting a project's replicas and orphans from the observed state, and mapping the runtime's rows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSummary } from '../../../runtime/index.js';
import { L } from '../../../src/reconcile/labels.js';
import { observedContainerFrom } from '../../../src/reconcile/observed-from-runtime.js';
import { orphanContainers, serviceContainers } from '../../../src/reconcile/observed.js';
import { replica, threeTier, upToDate } from './fixtures.js';

test('replicas: by project and service label, no one-offs, lowest number first', () => {
  const p = threeTier();
  const o = upToDate(p);
  o.containers.push(replica(p, 'web', 3), replica(p, 'web', 2), replica(p, 'web', 1, { name: 'demo-web-run-1' }, { [L.oneoff]: 'True' }));
  o.containers.push({ ...replica(p, 'web', 4), labels: { ...replica(p, 'web', 4).labels, [L.project]: 'other' } });
  assert.deepEqual(serviceContainers(o, 'demo', 'web').map((c) => c.name), ['demo-web-1', 'demo-web-2', 'demo-web-3']);
});

test('orphans: unknown services and exited one-offs; disabled services are not orphans', () => {
  const p = threeTier();
  p.disabledServices = { debug: { name: 'debug', profiles: ['dev'] } };
  const o = upToDate(p);
  o.containers.push(replica(p, 'debug', 1), replica(p, 'gone', 1), replica(p, 'web', 1, { name: 'demo-web-run-x', status: 'exited' }, { [L.oneoff]: 'True' }));
  assert.deepEqual(orphanContainers(o, p).map((c) => c.name), ['demo-gone-1', 'demo-web-run-x']);
});

test('a runtime row maps to an observed container, with exit code, health and image digest', () => {
  const summary: ContainerSummary = {
    id: 'abc', name: 'demo-db-1', labels: { [L.image]: 'sha256:1' }, status: 'exited', createdAt: '2026-01-01T00:00:00Z',
    state: { id: 'abc', status: 'exited', pid: 0, pidStartTime: 0, shimPid: 0, shimStartTime: 0, exitCode: 2, signal: null, oomKilled: false, startedAt: '', finishedAt: '', restartCount: 0, stopRequested: false, error: null, health: { status: 'unhealthy', failingStreak: 3, log: [] } },
  };
  assert.deepEqual(observedContainerFrom(summary, { networks: ['demo_b', 'demo_a'], mounts: ['demo_data'] }), {
    id: 'abc', name: 'demo-db-1', labels: { [L.image]: 'sha256:1' }, status: 'exited', exitCode: 2, health: 'unhealthy', imageDigest: 'sha256:1', networks: ['demo_a', 'demo_b'], mounts: ['demo_data'],
  });
  assert.deepEqual(observedContainerFrom({ ...summary, status: 'created', state: null }).exitCode, null);
});

test('a running container with a stop under way is observed as on its way out, not as up', () => {
  const state = { id: 'abc', status: 'running' as const, pid: 42, pidStartTime: 1, shimPid: 41, shimStartTime: 1, exitCode: null, signal: null, oomKilled: false, startedAt: '', finishedAt: null, restartCount: 0, stopRequested: false, error: null, health: null };
  const summary: ContainerSummary = { id: 'abc', name: 'demo-db-1', labels: {}, status: 'running', createdAt: '2026-01-01T00:00:00Z', state };
  assert.equal(observedContainerFrom(summary).status, 'running');
  assert.equal(observedContainerFrom({ ...summary, state: { ...state, stopRequested: true } }).status, 'exited');
  // once exited, a stop that was asked for changes nothing
  assert.equal(observedContainerFrom({ ...summary, status: 'exited', state: { ...state, status: 'exited', stopRequested: true } }).status, 'exited');
});
