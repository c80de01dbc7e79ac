import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkUnfinishedCreate, holdsEndpoint } from '../../../src/reconcile/exec-steps.js';

test('checkUnfinishedCreate: only a created container without any process from its shim is an interrupted create', () => {
  assert.equal(checkUnfinishedCreate({ status: 'created', state: null }), true, 'record written, shim never ran');
  assert.equal(checkUnfinishedCreate({ status: 'created', state: { pid: 0 } }), true, 'shim state without a process');
  assert.equal(checkUnfinishedCreate({ status: 'created', state: { pid: 4242 } }), false, 'created and waiting for start');
  assert.equal(checkUnfinishedCreate({ status: 'exited', state: { pid: 0 } }), false, 'ran before: start makes a new process');
  assert.equal(checkUnfinishedCreate({ status: 'running', state: { pid: 4242 } }), false);
});

test('only running, paused or restarting containers keep a network endpoint when the network goes', () => {
  assert.deepEqual(['created', 'running', 'restarting', 'paused', 'exited', 'dead'].filter(holdsEndpoint), ['running', 'restarting', 'paused']);
});
