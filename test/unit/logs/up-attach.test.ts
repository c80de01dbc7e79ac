import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Project } from '../../../src/compose/types.js';
import { checkAttachedUpFlags, planAttach, planOnExit, planWatched, type ExitState } from '../../../src/logs/up-attach.js';
import { createDetachMatcher, parseDetachKeys } from '../../../src/logs/detach-keys.js';

const project = { name: 'demo', services: { db: {}, web: { depends_on: { db: {} } }, quiet: { attach: false } } } as unknown as Project;
const base = { services: [] as string[], scope: ['db', 'quiet', 'web'], attach: [] as string[], noAttach: [] as string[], attachDependencies: false };

test('attach: every service but attach:false ones when none is named; named ones without their dependencies', () => {
  assert.deepEqual(planAttach(project, base), ['db', 'web']);
  assert.deepEqual(planAttach(project, { ...base, services: ['web'], scope: ['db', 'web'] }), ['web']);
  assert.deepEqual(planAttach(project, { ...base, services: ['web'], scope: ['db', 'web'], attachDependencies: true }), ['db', 'web']);
  assert.deepEqual(planAttach(project, { ...base, noAttach: ['db'] }), ['web']);
  assert.deepEqual(planAttach(project, { ...base, attach: ['quiet'] }), ['quiet'], '--attach names them exactly, attach:false included');
  assert.throws(() => planAttach(project, { ...base, scope: ['db', 'web'], attach: ['quiet', 'nope'] }), /cannot attach to services not included in up: nope, quiet/);
  assert.deepEqual(planWatched({ services: ['web'], scope: ['db', 'web'] }, ['db', 'web']), ['web']);
  assert.deepEqual(planWatched({ services: [], scope: ['db', 'quiet', 'web'] }, ['db', 'web']), ['db', 'web']);
  assert.deepEqual(planWatched({ services: [], scope: ['db', 'web'] }, []), ['db', 'web'], 'nothing attached: the whole project is watched');
});

test('exits: the first exit cascades with its code; failure mode ignores zero; --exit-code-from takes its service\'s', () => {
  const s0: ExitState = { exitCode: 0, aborting: false, captured: false };
  assert.deepEqual(planOnExit(s0, { service: 'a', exitCode: 0 }, { onExit: 'ignore' }), { state: s0, abort: false });
  const first = planOnExit(s0, { service: 'a', exitCode: 2 }, { onExit: 'stop' });
  assert.deepEqual(first, { state: { exitCode: 2, aborting: true, captured: false }, abort: true });
  assert.equal(planOnExit(first.state, { service: 'b', exitCode: 137 }, { onExit: 'stop' }).abort, false, 'only the first exit cascades');
  assert.equal(planOnExit(first.state, { service: 'b', exitCode: 137 }, { onExit: 'stop' }).state.exitCode, 2);
  assert.equal(planOnExit(s0, { service: 'a', exitCode: 0 }, { onExit: 'fail' }).abort, false);
  assert.equal(planOnExit(s0, { service: 'a', exitCode: 1 }, { onExit: 'fail' }).abort, true);
  // --exit-code-from: another service exits first (the cascade), then the chosen one's code wins
  const other = planOnExit(s0, { service: 'long', exitCode: 0 }, { onExit: 'stop', exitCodeFrom: 'job' });
  const job = planOnExit(other.state, { service: 'job', exitCode: 143 }, { onExit: 'stop', exitCodeFrom: 'job' });
  assert.deepEqual(job.state, { exitCode: 143, aborting: true, captured: true });
  const once = planOnExit(job.state, { service: 'job', exitCode: 9 }, { onExit: 'stop', exitCodeFrom: 'job' });
  assert.equal(once.state.exitCode, 143, 'the first exit of that service counts');
});

test('flag combinations docker compose refuses, and what the others imply', () => {
  const f = { detach: false, wait: false, abortOnExit: false, abortOnFailure: false, attach: [] as string[], attachDependencies: false, noStart: false };
  assert.deepEqual(checkAttachedUpFlags(f), { detach: false, onExit: 'ignore' });
  assert.deepEqual(checkAttachedUpFlags({ ...f, exitCodeFrom: 'job' }), { detach: false, onExit: 'stop' });
  assert.deepEqual(checkAttachedUpFlags({ ...f, exitCodeFrom: 'job', abortOnFailure: true }), { detach: false, onExit: 'fail' });
  assert.deepEqual(checkAttachedUpFlags({ ...f, wait: true }), { detach: true, onExit: 'ignore' });
  assert.throws(() => checkAttachedUpFlags({ ...f, detach: true, abortOnExit: true }), /^UserError: --detach cannot be combined with --abort-on-container-exit/);
  assert.throws(() => checkAttachedUpFlags({ ...f, detach: true, attach: ['a'] }), /--detach cannot be combined/);
  assert.throws(() => checkAttachedUpFlags({ ...f, wait: true, exitCodeFrom: 'a' }), /--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies/);
  assert.throws(() => checkAttachedUpFlags({ ...f, abortOnExit: true, abortOnFailure: true }), /--abort-on-container-failure cannot be combined with --abort-on-container-exit/);
  assert.throws(() => checkAttachedUpFlags({ ...f, attach: ['a'], attachDependencies: true }), /cannot combine --attach and --attach-dependencies/);
});

test('detach keys: parsing, and a partial sequence passed on once broken', () => {
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17]);
  assert.deepEqual(parseDetachKeys('ctrl-@,ctrl-[,a'), [0, 27, 97]);
  assert.throws(() => parseDetachKeys('ctrl-1'), /invalid detach keys "ctrl-1": unknown key "ctrl-1"/);
  const m = createDetachMatcher([16, 17]);
  assert.deepEqual(m.feed(Buffer.from('ab\x10')), { pass: Buffer.from('ab'), detach: false }, 'ctrl-p alone is held back');
  assert.deepEqual(m.feed(Buffer.from('x')), { pass: Buffer.from('\x10x'), detach: false }, 'then passed on when the next key breaks it');
  assert.deepEqual(m.feed(Buffer.from('\x10\x10\x11')), { pass: Buffer.from('\x10'), detach: true });
});
