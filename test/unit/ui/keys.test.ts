import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INITIAL_STATE, reduceKey } from '../../../src/ui/keys.js';

const rows = [
  { name: 'p-db-1', service: 'db', status: 'running' },
  { name: 'p-web-1', service: 'web', status: 'exited' },
  { name: 'p-worker-1', service: 'worker', status: 'paused' },
];

test('j/k and arrows move within the rows', () => {
  let s = INITIAL_STATE;
  s = reduceKey(s, 'k', {}, rows).state;
  assert.equal(s.selected, 0);
  s = reduceKey(s, 'j', {}, rows).state;
  s = reduceKey(s, '', { downArrow: true }, rows).state;
  assert.equal(s.selected, 2);
  s = reduceKey(s, 'j', {}, rows).state;
  assert.equal(s.selected, 2);
  s = reduceKey(s, '', { upArrow: true }, rows).state;
  assert.equal(s.selected, 1);
  assert.equal(reduceKey(INITIAL_STATE, 'j', {}, []).state.selected, 0);
});

test('toggles: f follow, t timestamps, ? help', () => {
  const s = reduceKey(reduceKey(reduceKey(INITIAL_STATE, 'f', {}, rows).state, 't', {}, rows).state, '?', {}, rows).state;
  assert.deepEqual(s, { selected: 0, follow: false, timestamps: true, help: true });
});

test('q and Ctrl-C quit; plain c does nothing', () => {
  assert.deepEqual(reduceKey(INITIAL_STATE, 'q', {}, rows).action, { kind: 'quit' });
  assert.deepEqual(reduceKey(INITIAL_STATE, 'c', { ctrl: true }, rows).action, { kind: 'quit' });
  assert.equal(reduceKey(INITIAL_STATE, 'c', {}, rows).action, undefined);
});

test('actions act on the selected row, s and p pick their direction from its state', () => {
  const at = (selected: number) => ({ ...INITIAL_STATE, selected });
  assert.deepEqual(reduceKey(at(0), 'r', {}, rows).action, { kind: 'restart', service: 'db', container: 'p-db-1' });
  assert.deepEqual(reduceKey(at(0), 's', {}, rows).action, { kind: 'stop', service: 'db', container: 'p-db-1' });
  assert.deepEqual(reduceKey(at(1), 's', {}, rows).action, { kind: 'start', service: 'web', container: 'p-web-1' });
  assert.deepEqual(reduceKey(at(2), 's', {}, rows).action, { kind: 'stop', service: 'worker', container: 'p-worker-1' });
  assert.deepEqual(reduceKey(at(0), 'p', {}, rows).action, { kind: 'pause', service: 'db', container: 'p-db-1' });
  assert.deepEqual(reduceKey(at(2), 'p', {}, rows).action, { kind: 'unpause', service: 'worker', container: 'p-worker-1' });
  assert.equal(reduceKey(at(1), 'p', {}, rows).action?.kind, 'notice');
  assert.equal(reduceKey(INITIAL_STATE, 'r', {}, []).action?.kind, 'notice');
});
