import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatcher, type Timers } from '../../../src/watch/debounce.js';

/** Timers that fire only when the test says so. */
function manualTimers(): Timers & { fire(): void; armed(): number } {
  let next: { fn: () => void; id: number } | undefined;
  let id = 0;
  return {
    set: (fn) => { next = { fn, id: ++id }; return id; },
    clear: (h) => { if (next?.id === h) next = undefined; },
    fire: () => { const n = next; next = undefined; n?.fn(); },
    armed: () => (next ? 1 : 0),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test('debounce: a burst is one batch once it goes quiet; events during a batch form the next one', async () => {
  const timers = manualTimers();
  const batches: string[][] = [];
  let release: () => void = () => undefined;
  const b = createBatcher((paths) => { batches.push(paths); return new Promise<void>((r) => { release = r; }); }, { timers });
  for (let i = 0; i < 200; i++) b.add(`/p/f${i % 150}`);
  assert.equal(batches.length, 0, 'nothing before the quiet period');
  timers.fire();
  assert.equal(batches.length, 1);
  assert.equal(batches[0]!.length, 150, 'repeated paths once');
  b.add('/p/late');
  timers.fire();
  assert.equal(batches.length, 1, 'not while a batch is handled');
  release();
  await tick();
  assert.equal(timers.armed(), 1, 'the waiting events re-arm the timer');
  timers.fire();
  assert.deepEqual(batches[1], ['/p/late']);
  release();
  await b.close();
});

test('debounce: close waits for the running batch and drops the rest', async () => {
  const timers = manualTimers();
  const batches: string[][] = [];
  let finished = false;
  const b = createBatcher(async (paths) => { batches.push(paths); await tick(); finished = true; }, { timers });
  b.add('/p/a');
  timers.fire();
  b.add('/p/b');
  await b.close();
  assert.ok(finished, 'close resolved after the batch');
  b.add('/p/c');
  timers.fire();
  assert.deepEqual(batches, [['/p/a']]);
});
