/** pause, unpause and kill --remove-orphans: the planners added for the lifecycle commands. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planKill, planPause, planUnpause } from '../../../src/reconcile/plan-lifecycle.js';
import { renderPlan } from '../../../src/reconcile/plan-model.js';
import { replica, threeTier, upToDate } from './fixtures.js';

test('pause freezes running replicas only; unpause thaws paused ones only', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.find((c) => c.name === 'demo-db-1')!.status = 'exited';
  observed.containers.find((c) => c.name === 'demo-web-1')!.status = 'paused';
  assert.equal(renderPlan(planPause(p, observed)), '[] -> #1 pause-container Container demo-api-1: pause\n');
  assert.equal(renderPlan(planUnpause(p, observed)), '[] -> #1 unpause-container Container demo-web-1: unpause\n');
  assert.equal(renderPlan(planPause(p, observed, { services: ['web'] })), '(nothing to do)\n');
  assert.throws(() => planPause(p, observed, { services: ['nosuch'] }), /no such service: nosuch/);
  observed.containers.find((c) => c.name === 'demo-web-1')!.status = 'running';
  const all = planPause(p, observed);
  assert.deepEqual(all.steps.map((s) => [s.resource, s.containerId === observed.containers.find((c) => `Container ${c.name}` === s.resource)!.id]), [
    ['Container demo-api-1', true], ['Container demo-web-1', true],
  ]);
});

test('kill --remove-orphans also signals running containers of services gone from the file', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.push(replica(p, 'old', 1), replica(p, 'gone', 1, { status: 'exited' }));
  const without = planKill(p, observed, { signal: 'SIGTERM' });
  assert.equal(without.steps.some((s) => s.resource === 'Container demo-old-1'), false);
  const withOrphans = planKill(p, observed, { signal: 'SIGTERM', orphans: true });
  assert.deepEqual(withOrphans.steps.filter((s) => s.reason === 'orphan').map((s) => `${s.resource} ${s.signal} ${s.service}`), ['Container demo-old-1 SIGTERM old']);
  assert.equal(withOrphans.steps.length, 4);
});
