/** pre_start hook images pulled by up (decisions and plan steps), and how hook output is cut and labelled. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLineSplitter, planHookLogSource, planPreStartLogSource } from '../../../src/reconcile/hooks.js';
import { renderPlan } from '../../../src/reconcile/plan-model.js';
import { planUp } from '../../../src/reconcile/plan.js';
import { planPreStartPulls } from '../../../src/reconcile/pre-start.js';
import { planHookPulls, type ServiceForUp, type StoredImage } from '../../../src/reconcile/pull-policy.js';
import { makeProject, svc } from './fixtures.js';

const now = new Date('2026-06-01T00:00:00Z');
const store = (present: Record<string, StoredImage>) => {
  const asked: string[] = [];
  return { asked, lookup: async (image: string) => { asked.push(image); return present[image]; } };
};

test('planHookPulls: a hook image not stored is pulled once, under its service\'s pull policy; its own service image adds nothing', async () => {
  const s = store({ 'busybox:1': { id: 'sha256:b' } });
  const services: ServiceForUp[] = [
    { name: 'web', image: 'web:1', pre_start: [{ image: 'migrate:1' }, { image: 'web:1' }, { image: 'busybox:1' }] },
    { name: 'worker', image: 'worker:1', pre_start: [{ image: 'migrate:1' }] },
    { name: 'db', image: 'db:1' },
  ];
  assert.deepEqual(await planHookPulls(services, s.lookup, undefined, now), [{ service: 'web', image: 'migrate:1', reason: 'not found' }]);
  assert.deepEqual(s.asked.sort(), ['busybox:1', 'migrate:1'], 'the service image is no hook pull; a pulled image is not looked up again');
});

test('planHookPulls: an image a service pull already fetches is not pulled twice', async () => {
  const s = store({});
  const services: ServiceForUp[] = [{ name: 'web', image: 'web:1', pre_start: [{ image: 'tools:1' }] }];
  assert.deepEqual(await planHookPulls(services, s.lookup, undefined, now, ['tools:1']), []);
});

test('planHookPulls: pull_policy always and `up --pull always` re-pull a stored hook image; build reads as missing', async () => {
  const s = store({ 'tools:1': { id: 'sha256:t' } });
  const hooks = [{ image: 'tools:1' }];
  assert.deepEqual(await planHookPulls([{ name: 'web', image: 'web:1', pull_policy: 'always', pre_start: hooks }], s.lookup, undefined, now),
    [{ service: 'web', image: 'tools:1', reason: 'pull_policy always' }]);
  assert.deepEqual(await planHookPulls([{ name: 'web', image: 'web:1', pre_start: hooks }], s.lookup, { kind: 'always' }, now),
    [{ service: 'web', image: 'tools:1', reason: 'pull_policy always' }]);
  assert.deepEqual(await planHookPulls([{ name: 'web', image: 'web:1', pull_policy: 'build', pre_start: hooks }], s.lookup, undefined, now), []);
  assert.deepEqual(await planHookPulls([{ name: 'web', image: 'web:1', pull_policy: 'build', pre_start: [{ image: 'gone:1' }] }], s.lookup, undefined, now),
    [{ service: 'web', image: 'gone:1', reason: 'not found' }]);
});

test('planHookPulls: never with the hook image missing is refused naming the hook', async () => {
  const s = store({});
  await assert.rejects(planHookPulls([{ name: 'web', image: 'web:1', pre_start: [{ image: 'web:1' }, { image: 'tools:1' }] }], s.lookup, { kind: 'never' }, now),
    (e: Error & { code?: string }) => e.code === 'E_IMAGE_MISSING' && e.message === 'service "web" pre_start[1]: image tools:1 not found and pull_policy is never');
});

test('planPreStartPulls: hook pulls go first and every start waits for them; the rest keeps its order and links', () => {
  const project = makeProject('demo', [svc('db', { image: 'db:1' }), svc('web', { image: 'web:1', depends_on: { db: { condition: 'service_started', required: true } } })]);
  const plan = planUp(project, { containers: [], networks: [], volumes: [] }, { imageDigests: { db: 'sha256:d', web: 'sha256:w' } });
  assert.equal(planPreStartPulls(plan, []), plan, 'nothing to pull: the plan as it was');
  const out = planPreStartPulls(plan, [{ service: 'web', image: 'tools:1', reason: 'not found' }]);
  assert.equal(out.steps.length, plan.steps.length + 1);
  assert.deepEqual(out.steps[0], { id: 1, op: 'pull', resource: 'Image tools:1', reason: 'not found', dependsOn: [], service: 'web', name: 'tools:1' });
  out.steps.forEach((s, i) => assert.equal(s.id, i + 1, 'ids stay the positions'));
  for (const s of out.steps.slice(1)) {
    const old = plan.steps[s.id - 2]!;
    assert.equal(s.resource, old.resource);
    const shifted = old.dependsOn.map((d) => d + 1);
    assert.deepEqual(s.dependsOn, s.op === 'start-container' ? [1, ...shifted] : shifted, `${s.resource} ${s.op}`);
    for (const d of s.dependsOn) assert.ok(d < s.id, 'dependencies come first');
  }
  assert.ok(out.steps.some((s) => s.op === 'start-container'));
  assert.match(renderPlan(out), /Image tools:1/);
});

test('hook output: lines cut at newlines across chunks, CR LF trimmed, the last partial line flushed at the end', () => {
  const got: string[] = [];
  const l = createLineSplitter((line) => got.push(line));
  l.push('one\ntw');
  l.push('o\r\n');
  l.push('\nthree');
  assert.deepEqual(got, ['one', 'two', '']);
  l.end();
  assert.deepEqual(got, ['one', 'two', '', 'three']);
  l.end();
  assert.equal(got.length, 4, 'end twice flushes nothing more');
});

test('hook output: docker compose\'s log sources', () => {
  assert.equal(planHookLogSource('demo', 'web', 'demo-web-1'), 'web-1 ->');
  assert.equal(planHookLogSource('demo', 'web', 'demo-web-12'), 'web-12 ->');
  assert.equal(planHookLogSource('demo', 'web', 'my-web'), 'my-web ->', 'a container_name is shown whole');
  assert.equal(planHookLogSource('demo', 'web', 'demo-web-x'), 'demo-web-x ->');
  assert.equal(planPreStartLogSource('web', 0), 'web pre_start[0] ->');
});
