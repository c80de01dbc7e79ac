import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executePlan, StepError } from '../../../src/reconcile/execute.js';
import { PlanBuilder } from '../../../src/reconcile/plan-model.js';
import type { ProgressEvent } from '../../../src/progress/events.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

function diamond() {
  const b = new PlanBuilder();
  const net = b.add({ op: 'create-network', resource: 'Network p_default', reason: 'not found' });
  const a = b.add({ op: 'create-container', resource: 'Container p-a-1', reason: 'new' }, [net]);
  const c = b.add({ op: 'create-container', resource: 'Container p-c-1', reason: 'new' }, [net]);
  b.add({ op: 'start-container', resource: 'Container p-a-1', reason: 'created' }, [a, c]);
  return b.plan;
}

test('steps run after their dependencies, emitting docker compose words', async () => {
  const order: number[] = [];
  const events: ProgressEvent[] = [];
  await executePlan(diamond(), async (s) => { await tick(); order.push(s.id); }, { parallel: -1, emit: (e) => events.push(e) });
  assert.equal(order[0], 1);
  assert.equal(order[3], 4);
  assert.deepEqual(new Set(order.slice(1, 3)), new Set([2, 3]));
  assert.deepEqual(events.filter((e) => e.id === 'Network p_default').map((e) => `${e.status} ${e.text}`), ['Working Creating', 'Done Created']);
  assert.deepEqual(events.filter((e) => e.id === 'Container p-a-1').map((e) => e.text), ['Creating', 'Created', 'Starting', 'Started']);
});

test('the parallel limit holds', async () => {
  const b = new PlanBuilder();
  for (let i = 0; i < 6; i++) b.add({ op: 'create-volume', resource: `Volume v${i}`, reason: 'x' });
  let running = 0;
  let peak = 0;
  await executePlan(b.plan, async () => { running++; peak = Math.max(peak, running); await tick(); running--; }, { parallel: 2, emit: () => undefined });
  assert.equal(peak, 2);
});

test('a failed step stops its dependants, reports the resource and lets running steps finish', async () => {
  const ran: number[] = [];
  const events: ProgressEvent[] = [];
  const err = await executePlan(diamond(), async (s) => {
    await tick();
    if (s.id === 2) throw new Error('no space left');
    ran.push(s.id);
  }, { parallel: -1, emit: (e) => events.push(e) }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof StepError);
  assert.equal(err.message, 'Container p-a-1: no space left');
  assert.equal(err.exitCode, 1);
  assert.deepEqual(ran.sort(), [1, 3]);
  assert.ok(events.some((e) => e.id === 'Container p-a-1' && e.status === 'Error' && e.details === 'no space left'));
});

test('dry run reports every step without running any', async () => {
  const events: ProgressEvent[] = [];
  await executePlan(diamond(), async () => { throw new Error('must not run'); }, { parallel: 1, dryRun: true, emit: (e) => events.push(e) });
  assert.equal(events.filter((e) => e.status === 'Done').length, 4);
});

test('a step is reported as working only after what it waits for', async () => {
  const log: string[] = [];
  await executePlan(diamond(), async (s) => { log.push(`run ${s.id}`); }, {
    parallel: 1,
    before: async (s) => { if (s.id === 4) log.push('waited'); },
    emit: (e) => { if (e.status === 'Working' && e.text === 'Starting') log.push('starting'); },
  });
  assert.deepEqual(log.slice(-3), ['waited', 'starting', 'run 4']);
});
