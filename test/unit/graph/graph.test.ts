import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../../../src/graph/graph.js';
import { walk } from '../../../src/graph/walk.js';

function chain(): Graph<string> {
  // web -> api -> db ; web -> cache ; worker -> db
  const g = new Graph<string>();
  for (const n of ['web', 'api', 'db', 'cache', 'worker']) g.add(n, n.toUpperCase());
  return g.depend('web', 'api').depend('api', 'db').depend('web', 'cache').depend('worker', 'db');
}

test('dependency order puts dependencies first, stably', () => {
  assert.deepEqual(chain().order(), ['cache', 'db', 'api', 'web', 'worker']);
});

test('a cycle is an error naming the cycle', () => {
  const g = chain().depend('db', 'web');
  assert.deepEqual(g.findCycle(), ['api', 'db', 'web', 'api']);
  assert.throws(() => g.order(), { code: 'E_CYCLE', message: 'dependency cycle detected: api -> db -> web -> api' });
});

test('closure collects transitive dependencies', () => {
  assert.deepEqual([...chain().closure(['api'])].sort(), ['api', 'db']);
});

test('walk starts a node only after its dependencies and respects the parallel limit', async () => {
  const g = chain();
  const done = new Set<string>();
  let running = 0;
  let peak = 0;
  await walk(g, async (n) => {
    for (const d of g.dependenciesOf(n)) assert.ok(done.has(d), `${n} started before ${d}`);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    done.add(n);
  }, { parallel: 2 });
  assert.equal(done.size, 5);
  assert.equal(peak, 2);
});

test('reverse walk stops dependents before their dependencies', async () => {
  const g = chain();
  const order: string[] = [];
  await walk(g, async (n) => { order.push(n); }, { parallel: 1, reverse: true });
  assert.ok(order.indexOf('web') < order.indexOf('api'));
  assert.ok(order.indexOf('api') < order.indexOf('db'));
  assert.ok(order.indexOf('worker') < order.indexOf('db'));
});

test('a failure stops new visits, lets running ones finish, and names the node', async () => {
  const g = chain();
  const visited: string[] = [];
  await assert.rejects(walk(g, async (n) => {
    visited.push(n);
    if (n === 'db') throw new Error('boom');
  }, { parallel: 1 }), /db: boom/);
  assert.ok(!visited.includes('api'));
  assert.ok(!visited.includes('web'));
});

test('only limits the walk to a subset', async () => {
  const g = chain();
  const visited: string[] = [];
  await walk(g, async (n) => { visited.push(n); }, { parallel: -1, only: new Set(['api', 'db']) });
  assert.deepEqual(visited.sort(), ['api', 'db']);
});
