/** planUp against goldens: what `up` would do for hand-built projects and observed states. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { L } from '../../../src/reconcile/labels.js';
import { emptyObserved } from '../../../src/reconcile/observed.js';
import { planUp, renderPlan } from '../../../src/reconcile/plan.js';
import { digests, makeProject, replica, svc, threeTier, upToDate } from './fixtures.js';
import { assertGolden } from './golden.js';

test('fresh up creates the network and volume, then each service in dependency order', () => {
  const p = threeTier();
  const plan = planUp(p, emptyObserved(), { imageDigests: digests(p) });
  assertGolden('up-fresh', renderPlan(plan));
  const order = plan.steps.filter((s) => s.op === 'create-container').map((s) => s.service);
  assert.deepEqual(order, ['db', 'api', 'web']);
});

test('a second up with nothing changed plans nothing', () => {
  const p = threeTier();
  const plan = planUp(p, upToDate(p), { imageDigests: digests(p) });
  assert.equal(plan.steps.length, 0);
  assertGolden('up-noop', renderPlan(plan));
});

test('changing db recreates db and restarts api (depends_on restart: true), as docker compose does; web untouched', () => {
  const p = threeTier();
  const observed = upToDate(p);
  p.services.db!.environment = { POSTGRES_PASSWORD: 'changed' };
  const plan = planUp(p, observed, { imageDigests: digests(p) });
  assertGolden('up-config-changed', renderPlan(plan));
  const recreated = plan.steps.filter((s) => s.op === 'recreate-container').map((s) => [s.service, s.check]);
  assert.deepEqual(recreated, [['db', 'config']]);
  assert.deepEqual(plan.steps.filter((s) => s.op === 'restart-container').map((s) => s.service), ['api']);
});

test('changing only web recreates only web', () => {
  const p = threeTier();
  const observed = upToDate(p);
  p.services.web!.environment = { MODE: 'prod' };
  const plan = planUp(p, observed, { imageDigests: digests(p) });
  assert.deepEqual(plan.steps.map((s) => `${s.op} ${s.resource}`), ['recreate-container Container demo-web-1', 'start-container Container demo-web-1']);
});

test('a changed label is named as the config field that differs', () => {
  const p = threeTier();
  const observed = upToDate(p);
  p.services.web!.labels = { tier: 'front' };
  const [step] = planUp(p, observed, { imageDigests: digests(p) }).steps;
  assert.equal(step?.field, 'labels');
  assert.equal(step?.reason, 'config changed (labels)');
});

test('a new image digest recreates the service that uses it', () => {
  const p = threeTier();
  const plan = planUp(p, upToDate(p), { imageDigests: { ...digests(p), web: 'sha256:web-v2' } });
  assertGolden('up-image-changed', renderPlan(plan));
});

test('--force-recreate recreates everything; with a service named, only it (deps stay)', () => {
  const p = threeTier();
  assertGolden('up-force-recreate', renderPlan(planUp(p, upToDate(p), { recreate: 'force', imageDigests: digests(p) })));
  const only = planUp(p, upToDate(p), { recreate: 'force', services: ['api'], imageDigests: digests(p) });
  assert.deepEqual(only.steps.filter((s) => s.op === 'recreate-container').map((s) => s.service), ['api']);
  const deps = planUp(p, upToDate(p), { services: ['web'], alwaysRecreateDeps: true, imageDigests: digests(p) });
  assert.deepEqual(deps.steps.filter((s) => s.op === 'recreate-container').map((s) => `${s.service}: ${s.reason}`), [
    'db: forced (--always-recreate-deps)', 'api: forced (--always-recreate-deps)',
  ]);
});

test('--no-recreate keeps diverged containers and only starts stopped ones', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.find((c) => c.name === 'demo-web-1')!.status = 'exited';
  p.services.web!.environment = { MODE: 'prod' };
  p.services.db!.environment = { POSTGRES_PASSWORD: 'changed' };
  const plan = planUp(p, observed, { recreate: 'never', imageDigests: digests(p) });
  assertGolden('up-no-recreate', renderPlan(plan));
});

test('-V recreates with fresh anonymous volumes', () => {
  const p = threeTier();
  const observed = upToDate(p);
  p.services.db!.environment = { X: '1' };
  const plan = planUp(p, observed, { renewAnonVolumes: true, services: ['db'], noDeps: true, imageDigests: digests(p) });
  assert.deepEqual(plan.steps.map((s) => [s.op, s.inheritAnonymousVolumes]), [['recreate-container', false], ['start-container', undefined]]);
});

test('scale 3 → 1 removes the highest numbers; obsolete replicas go first', () => {
  const p = makeProject('demo', [svc('worker')]);
  const observed = upToDate(p);
  observed.containers = [1, 2, 3].map((n) => replica(p, 'worker', n));
  assertGolden('up-scale-down', renderPlan(planUp(p, observed, { scale: { worker: 1 }, imageDigests: digests(p) })));

  observed.containers[0]!.labels[L.configHash] = 'stale';
  const plan = planUp(p, observed, { scale: { worker: 2 }, imageDigests: digests(p) });
  assert.deepEqual(plan.steps.map((s) => `${s.op} ${s.resource}`), ['stop-container Container demo-worker-1', 'remove-container Container demo-worker-1']);
});

test('scale 1 → 3 counts on from the highest number in use, as docker compose does', () => {
  const p = makeProject('demo', [svc('worker', { scale: 3 })]);
  const observed = upToDate(p);
  observed.containers = [replica(p, 'worker', 2)];
  const plan = planUp(p, observed, { imageDigests: digests(p) });
  assertGolden('up-scale-up-gaps', renderPlan(plan));
  assert.deepEqual(plan.steps.filter((s) => s.op === 'create-container').map((s) => s.number), [3, 4]);
});

test('deploy.replicas sets the scale, --scale wins over it', () => {
  const p = makeProject('demo', [svc('worker', { deploy: { replicas: 2 } })]);
  assert.equal(planUp(p, emptyObserved()).steps.filter((s) => s.op === 'create-container').length, 2);
  assert.equal(planUp(p, emptyObserved(), { scale: { worker: 0 } }).steps.filter((s) => s.op === 'create-container').length, 0);
});

test('container_name with more than one replica is an error naming the service', () => {
  const p = makeProject('demo', [svc('web', { container_name: 'my-web', scale: 2 })]);
  assert.throws(() => planUp(p, emptyObserved()), /"web" service is using the custom container name "my-web"/);
});

test('orphans are warned about, or removed with --remove-orphans', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.push(replica(p, 'old', 1), replica(p, 'old', 2, { status: 'exited', exitCode: 0 }));
  observed.containers.push(replica(p, 'web', 1, { name: 'demo-web-run-0123456789ab', status: 'exited' }, { [L.oneoff]: 'True' }));
  observed.containers.push(replica(p, 'web', 1, { name: 'demo-web-run-aaaaaaaaaaaa', status: 'running' }, { [L.oneoff]: 'True' }));
  assertGolden('up-orphans-warned', renderPlan(planUp(p, observed, { imageDigests: digests(p) })));
  assertGolden('up-orphans-removed', renderPlan(planUp(p, observed, { removeOrphans: true, imageDigests: digests(p) })));
  assert.equal(planUp(p, observed, { ignoreOrphans: true, imageDigests: digests(p) }).warnings.length, 0);
});

test('paused replicas are unpaused and exited ones started; --no-start starts nothing', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.find((c) => c.name === 'demo-db-1')!.status = 'paused';
  observed.containers.find((c) => c.name === 'demo-web-1')!.status = 'exited';
  assertGolden('up-paused-exited', renderPlan(planUp(p, observed, { imageDigests: digests(p) })));
  assert.equal(planUp(p, observed, { noStart: true, imageDigests: digests(p) }).steps.filter((s) => s.op === 'start-container').length, 0);
});

test('a missing external network is an error naming it; an existing one is used untouched', () => {
  const p = makeProject('demo', [svc('web', { networks: { shared: null } })], { networks: { shared: { name: 'proxy_net', external: true } } });
  assert.throws(() => planUp(p, emptyObserved()), (e: Error) => e.message === 'network proxy_net declared as external, but could not be found');
  const plan = planUp(p, { ...emptyObserved(), networks: [{ name: 'proxy_net', labels: {} }] });
  assert.deepEqual(plan.steps.map((s) => s.op), ['create-container', 'start-container']);
});

test('a missing external volume is an error naming it', () => {
  const p = makeProject('demo', [svc('web', { volumes: [{ type: 'volume', source: 'certs', target: '/certs' }] })], { volumes: { certs: { name: 'shared_certs', external: true } } });
  assert.throws(() => planUp(p, emptyObserved()), /external volume "shared_certs" not found/);
});

test('a diverged network is recreated after removing the containers attached to it', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.networks[0]!.labels[L.configHash] = 'old-hash';
  assertGolden('up-network-diverged', renderPlan(planUp(p, observed, { imageDigests: digests(p) })));
});

test('a replica missing its network or volume is recreated, saying which', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.containers.find((c) => c.name === 'demo-db-1')!.mounts = [];
  observed.containers.find((c) => c.name === 'demo-web-1')!.networks = [];
  const steps = planUp(p, observed, { imageDigests: digests(p) }).steps;
  const reasons = steps.filter((s) => s.op === 'recreate-container' || s.op === 'restart-container').map((s) => `${s.op} ${s.service}: ${s.reason}`);
  assert.deepEqual(reasons, ['recreate-container db: volume demo_data not mounted', 'restart-container api: dependency db recreated (restart: true)', 'recreate-container web: network demo_default not attached']);
});

test('recreating a namespace parent recreates the services sharing it', () => {
  const p = makeProject('demo', [svc('vpn'), svc('app', { network_mode: 'service:vpn', networks: undefined }), svc('side', { volumes_from: ['app:ro'] })]);
  const observed = upToDate(p);
  p.services.vpn!.environment = { X: '1' };
  const reasons = planUp(p, observed, { imageDigests: digests(p) }).steps.filter((s) => s.op === 'recreate-container').map((s) => `${s.service}: ${s.reason}`);
  assert.deepEqual(reasons, ['vpn: config changed', 'app: network_mode parent vpn recreated', 'side: volumes_from parent app recreated']);
});

test('selected services bring their dependencies unless --no-deps; an unknown service is an error', () => {
  const p = threeTier();
  const names = (o: Parameters<typeof planUp>[2]) => [...new Set(planUp(p, emptyObserved(), o).steps.filter((s) => s.service).map((s) => s.service))];
  assert.deepEqual(names({ services: ['api'] }), ['db', 'api']);
  assert.deepEqual(names({ services: ['api'], noDeps: true }), ['api']);
  assert.throws(() => planUp(p, emptyObserved(), { services: ['nope'] }), /no such service: nope/);
});

test('a dependency cycle is an error naming the cycle', () => {
  const p = makeProject('demo', [
    svc('a', { depends_on: { b: { condition: 'service_started', required: true } } }),
    svc('b', { depends_on: { c: { condition: 'service_started', required: true } } }),
    svc('c', { depends_on: { a: { condition: 'service_started', required: true } } }),
  ]);
  assert.throws(() => planUp(p, emptyObserved()), (e: Error) => e.message === 'dependency cycle detected: a -> b -> c -> a');
});

test('pulls come first and gate the containers of the services using the image', () => {
  const p = threeTier();
  const plan = planUp(p, emptyObserved(), { pulls: { web: 'image not present', api: 'pull_policy: always' } });
  assertGolden('up-pulls', renderPlan(plan));
});

test('a parent whose replicas are gone is created afresh, and the replicas sharing its namespaces follow', () => {
  const p = makeProject('demo', [svc('vpn'), svc('app', { network_mode: 'service:vpn', networks: undefined })]);
  const observed = upToDate(p);
  observed.containers = observed.containers.filter((c) => c.name !== 'demo-vpn-1');
  const steps = planUp(p, observed, { imageDigests: digests(p) }).steps;
  assert.deepEqual(steps.map((s) => `${s.op} ${s.resource}: ${s.reason}`), [
    'create-container Container demo-vpn-1: no existing container',
    'start-container Container demo-vpn-1: created',
    'recreate-container Container demo-app-1: network_mode parent vpn recreated',
    'start-container Container demo-app-1: recreated',
  ]);
});

test('a recreated network brings back the replicas of unselected services it displaced', () => {
  const p = threeTier();
  const observed = upToDate(p);
  observed.networks[0]!.labels[L.configHash] = 'old-hash';
  const steps = planUp(p, observed, { services: ['db'], imageDigests: digests(p) }).steps;
  const created = steps.filter((s) => s.op === 'create-container').map((s) => s.resource);
  assert.deepEqual(created, ['Container demo-db-1', 'Container demo-api-1', 'Container demo-web-1']);
});

test('as docker compose\'s TestScaleDownNoRecreate: --no-recreate scales up beside stale replicas, a later scale down drops the stale ones', () => {
  const p = makeProject('demo', [svc('test')]);
  const observed = upToDate(p);
  observed.containers = [1, 2].map((n) => replica(p, 'test', n));
  const rebuilt = { test: 'sha256:rebuilt' };
  const up4 = planUp(p, observed, { recreate: 'never', scale: { test: 4 }, imageDigests: rebuilt });
  assert.deepEqual(up4.steps.filter((s) => s.op === 'create-container').map((s) => s.number), [3, 4]);
  assert.equal(up4.steps.some((s) => s.op === 'recreate-container'), false);
  observed.containers.push(replica(p, 'test', 3, { imageDigest: rebuilt.test }), replica(p, 'test', 4, { imageDigest: rebuilt.test }));
  const down2 = planUp(p, observed, { scale: { test: 2 }, imageDigests: rebuilt });
  assert.deepEqual(down2.steps.map((s) => `${s.op} ${s.resource}`), [
    'stop-container Container demo-test-1', 'remove-container Container demo-test-1',
    'stop-container Container demo-test-2', 'remove-container Container demo-test-2',
  ]);
});
