import assert from 'node:assert/strict';
import test from 'node:test';
import { cleanSource, segmentRegex } from '../../../runtime/build/copy-sources.js';
import { planCacheKey } from '../../../runtime/build/build-cache.js';
import { planRunContainer, runFailedMessage } from '../../../runtime/build/run-step.js';

test('COPY source globs match one path segment (filepath.Match) and may not leave the root', () => {
  const star = segmentRegex('*.txt');
  assert.ok(star.test('a.txt') && !star.test('a/b.txt') && !star.test('a.txt.bak'));
  assert.ok(segmentRegex('file?.[0-9]').test('file1.7'));
  assert.ok(!segmentRegex('[!a]x').test('ax') && segmentRegex('[!a]x').test('bx'));
  assert.deepEqual(cleanSource('./src/../lib/x'), ['lib', 'x']);
  assert.deepEqual(cleanSource('/abs/path/'), ['abs', 'path']);
  assert.deepEqual(cleanSource('.'), []);
  // normalised against the root first, as docker does: `..` cannot climb above it
  assert.deepEqual(cleanSource('../../etc/passwd'), ['etc', 'passwd']);
});

test('a RUN container: host network, own hostname, no published ports, the step env/workdir/user', () => {
  const id = 'f'.repeat(64);
  const spec = planRunContainer({ kind: 'run', argv: ['/bin/sh', '-c', 'make'], env: ['PATH=/bin', 'A=1'], workdir: '/src', user: 'builder', display: 'RUN make', createdBy: '', cacheKey: '' }, ['/l/2', '/l/1'], id);
  assert.equal(spec.name, 'tscompose-build-ffffffffffff');
  assert.deepEqual(spec.network, { mode: 'host' });
  assert.equal(spec.hostname, 'buildkitsandbox');
  assert.deepEqual(spec.command, ['/bin/sh', '-c', 'make']);
  assert.equal(spec.entrypoint, null);
  assert.deepEqual(spec.env, ['PATH=/bin', 'A=1']);
  assert.equal(spec.workingDir, '/src');
  assert.equal(spec.user, 'builder');
  assert.deepEqual(spec.image.lowerDirs, ['/l/2', '/l/1']);
  assert.equal((spec as { ports?: unknown }).ports, undefined);
  assert.equal(runFailedMessage(['/bin/sh', '-c', 'false'], 1), 'failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1');
});

test('cache keys depend on the parent chain and the step meaning', () => {
  const a = planCacheKey('sha256:1', 'RUN x');
  assert.match(a, /^[a-f0-9]{64}$/);
  assert.equal(a, planCacheKey('sha256:1', 'RUN x'));
  assert.notEqual(a, planCacheKey('sha256:2', 'RUN x'));
  assert.notEqual(a, planCacheKey('sha256:1', 'RUN y'));
  assert.notEqual(planCacheKey(undefined, 'RUN x'), a);
});
