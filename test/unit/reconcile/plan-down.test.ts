/** planDown and the small planners (stop, start, restart, kill, rm) against goldens and assertions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { L } from '../../../src/reconcile/labels.js';
import { planDown } from '../../../src/reconcile/plan-down.js';
import { planKill, planRestart, planRm, planStart, planStop } from '../../../src/reconcile/plan-lifecycle.js';
import { renderPlan } from '../../../src/reconcile/plan.js';
import { replica, threeTier, upToDate } from './fixtures.js';
import { assertGolden } from './golden.js';

test('down stops dependents first, removes containers, then the network; volumes stay', () => {
  const p = threeTier();
  const plan = planDown(p, upToDate(p));
  assertGolden('down', renderPlan(plan));
  assert.equal(plan.steps.some((s) => s.op === 'remove-volume'), false);
});

test('down -v also removes named volumes and anonymous ones with the containers', () => {
  const p = threeTier();
  const plan = planDown(p, upToDate(p), { volumes: true });
  assertGolden('down-volumes', renderPlan(plan));
});

test('down -v also removes the project\'s anonymous volumes no container uses (an interrupted recreate left them)', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.volumes.push(
    { name: 'f00d', labels: { [L.project]: p.name }, anonymous: true },
    { name: 'beef', labels: { [L.project]: 'another' }, anonymous: true },
  );
  const removed = (o: { volumes?: boolean }) => planDown(p, observed, o).steps.filter((s) => s.op === 'remove-volume').map((s) => s.name);
  assert.ok(removed({ volumes: true }).includes('f00d'), JSON.stringify(removed({ volumes: true })));
  assert.ok(!removed({ volumes: true }).includes('beef'), 'not another project\'s');
  assert.deepEqual(removed({}), [], 'only with -v');
  // without a Compose file too, only what carries this project's label
  assert.equal(planDown(undefined, observed, { projectName: p.name, volumes: true }).steps.filter((s) => s.name === 'beef').length, 0);
});

test('down leaves external networks and volumes alone', () => {
  const p = threeTier();
  p.networks.default!.external = true;
  p.volumes.data!.external = true;
  const plan = planDown(p, upToDate(p), { volumes: true });
  assert.deepEqual(plan.steps.filter((s) => s.op === 'remove-network' || s.op === 'remove-volume'), []);
});

test('down without a Compose file removes what carries the project label, ordered by depends_on labels', () => {
  const p = threeTier();
  const observed = upToDate(p);
  for (const c of observed.containers) if (c.labels[L.service] === 'api') c.labels[L.dependsOn] = 'db:service_healthy:true';
  for (const c of observed.containers) if (c.labels[L.service] === 'web') c.labels[L.dependsOn] = 'api:service_started:false';
  observed.containers.push({ ...replica(p, 'db', 1), name: 'other-db-1', labels: { [L.project]: 'other', [L.service]: 'db' } });
  const plan = planDown(undefined, observed, { projectName: 'demo', volumes: true });
  assertGolden('down-no-project', renderPlan(plan));
  assert.throws(() => planDown(undefined, observed), /no project name/);
});

test('down leaves orphans (and disabled services) unless --remove-orphans; --rmi lists images', () => {
  const p = threeTier();
  p.disabledServices = { debug: { name: 'debug', profiles: ['dev'] } };
  const observed = upToDate(p);
  observed.containers.push(replica(p, 'old', 1), replica(p, 'debug', 1));
  const kept = planDown(p, observed, { volumes: true });
  assert.equal(kept.steps.some((s) => s.resource === 'Container demo-old-1' || s.resource === 'Container demo-debug-1'), false);
  const removed = planDown(p, observed, { removeOrphans: true, volumes: true, rmi: 'all' });
  assert.deepEqual(removed.steps.filter((s) => s.resource === 'Container demo-old-1').map((s) => [s.op, s.removeVolumes]), [['stop-container', undefined], ['remove-container', undefined]]);
  assert.equal(removed.steps.find((s) => s.op === 'remove-container' && s.resource === 'Container demo-db-1')?.removeVolumes, true);
  assert.deepEqual(removed.steps.filter((s) => s.op === 'remove-image').map((s) => s.name), ['demo/api', 'nginx', 'postgres:16']);
  p.services.web!.image = undefined;
  assert.deepEqual(planDown(p, observed, { rmi: 'local' }).steps.filter((s) => s.op === 'remove-image').map((s) => s.name), ['demo-web']);
});

test('down with nothing to remove says so', () => {
  const p = threeTier();
  assert.deepEqual(planDown(p, { containers: [], networks: [], volumes: [] }).warnings, ['No resource found to remove for project "demo".']);
});

test('stop goes dependents first and skips stopped replicas', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.find((c) => c.name === 'demo-api-1')!.status = 'exited';
  assertGolden('stop', renderPlan(planStop(p, observed)));
});

test('start goes dependencies first and waits on their conditions; a service without containers is an error', () => {
  const p = threeTier();
  const observed = upToDate(p);
  for (const c of observed.containers) c.status = 'exited';
  assertGolden('start', renderPlan(planStart(p, observed)));
  assert.throws(() => planStart(p, { ...observed, containers: [] }, { services: ['web'] }), /service "web" has no container to start/);
});

test('restart restarts every replica dependencies first; kill signals running ones at once', () => {
  const p = threeTier();
  const observed = upToDate(p);
  assertGolden('restart', renderPlan(planRestart(p, observed)));
  observed.containers.find((c) => c.name === 'demo-db-1')!.status = 'exited';
  assertGolden('kill', renderPlan(planKill(p, observed, { signal: 'SIGTERM' })));
});

test('rm removes stopped replicas; -s stops running ones first; -v takes anonymous volumes', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.find((c) => c.name === 'demo-web-1')!.status = 'exited';
  assert.deepEqual(planRm(p, observed).steps.map((s) => `${s.op} ${s.resource}`), ['remove-container Container demo-web-1']);
  assertGolden('rm-stop-volumes', renderPlan(planRm(p, observed, { stop: true, volumes: true, services: ['api', 'web'] })));
});

test('one-off containers (`run`) stay without --remove-orphans and go with it, running or not', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.push(
    replica(p, 'web', 0, { name: 'demo-web-run-0123456789ab', status: 'running' }, { [L.oneoff]: 'True', [L.number]: '' }),
    replica(p, 'api', 0, { name: 'demo-api-run-ba9876543210', status: 'exited' }, { [L.oneoff]: 'True', [L.number]: '' }),
  );
  const touched = (o: { removeOrphans?: boolean }) => planDown(p, observed, o).steps.filter((s) => s.resource.includes('-run-')).map((s) => `${s.op} ${s.resource}`).sort();
  assert.deepEqual(touched({}), []);
  assert.deepEqual(touched({ removeOrphans: true }), [
    'remove-container Container demo-api-run-ba9876543210',
    'remove-container Container demo-web-run-0123456789ab',
    'stop-container Container demo-web-run-0123456789ab',
  ]);
});
