/** The leak-check rule that ignores children of processes older than the test (other runs' containers). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { olderProcesses, parentOfLeakLine, startTimeOf } from '../../helpers/preexisting.js';

test('the parent pid is read from a leak line', () => {
  assert.equal(parentOfLeakLine('process 30195 sleep (ppid 4491, own namespace): sleep 1'), 4491);
  assert.equal(parentOfLeakLine('process 7 we(ird) name (ppid 12)'), 12);
  assert.equal(parentOfLeakLine('link veth123'), undefined);
});

test('children of a process that ran before the capture are ignored; of a newer one they are not', async (t) => {
  const older = olderProcesses();
  older.capture();
  assert.ok(startTimeOf(process.pid));
  assert.equal(older.ignore(`process 999999 sleep (ppid ${process.pid}, own namespace): sleep 1`), true);
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.once('spawn', r));
  assert.equal(older.ignore(`process 999999 sleep (ppid ${child.pid}, own namespace): sleep 1`), false);
  assert.equal(older.ignore('process 999999 sleep (ppid 1): sleep 1'), false, 'orphans adopted by init stay suspects');
  assert.equal(older.ignore('cgroup memory/tscompose/abc'), false);
});
