/** pull_policy decisions (src/reconcile/pull-policy.ts): pure, no root, no store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePullCommand, decideUpImage, hasPinnedTag, isStale, parseDuration, parsePullOverride, parsePullPolicy, planUpImages, type PullPolicy } from '../../src/reconcile/pull-policy.js';

const H = 3_600_000;
const now = new Date('2026-11-22T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

test('durations: Go units plus days and weeks; malformed is undefined', () => {
  assert.equal(parseDuration('30m'), 30 * 60_000);
  assert.equal(parseDuration('1h30m'), 90 * 60_000);
  assert.equal(parseDuration('2d'), 48 * H);
  assert.equal(parseDuration('1w'), 168 * H);
  assert.equal(parseDuration('1.5h'), 1.5 * H);
  assert.equal(parseDuration('500ms'), 500);
  for (const bad of ['', '12', 'h', '1y', '1h 2m', '-1h', '1hx']) assert.equal(parseDuration(bad), undefined, bad);
});

test('pull_policy values parse as compose-go does', () => {
  assert.deepEqual(parsePullPolicy('web', undefined), { kind: 'missing' });
  assert.deepEqual(parsePullPolicy('web', 'if_not_present'), { kind: 'missing' });
  assert.deepEqual(parsePullPolicy('web', 'always'), { kind: 'always' });
  assert.deepEqual(parsePullPolicy('web', 'never'), { kind: 'never' });
  assert.deepEqual(parsePullPolicy('web', 'build'), { kind: 'build' });
  assert.deepEqual(parsePullPolicy('web', 'daily'), { kind: 'refresh', intervalMs: 24 * H });
  assert.deepEqual(parsePullPolicy('web', 'weekly'), { kind: 'refresh', intervalMs: 168 * H });
  assert.deepEqual(parsePullPolicy('web', 'every_12h'), { kind: 'refresh', intervalMs: 12 * H });
  assert.deepEqual(parsePullPolicy('web', 'every_1d12h'), { kind: 'refresh', intervalMs: 36 * H });
  assert.deepEqual(parsePullPolicy('web', 'refresh', '3h'), { kind: 'refresh', intervalMs: 3 * H });
  assert.throws(() => parsePullPolicy('web', 'every_often'), (e: Error) => /service "web": invalid pull_policy "every_often"/.test(e.message));
  assert.throws(() => parsePullPolicy('db', 'sometimes'), (e: Error) => /service "db".*"sometimes"/.test(e.message));
  assert.throws(() => parsePullPolicy('db', 'refresh', 'soon'), (e: Error) => /pull_refresh_after "soon"/.test(e.message));
});

test('--pull / --policy overrides', () => {
  assert.equal(parsePullOverride('--pull', undefined, ['always', 'missing', 'never']), undefined);
  assert.equal(parsePullOverride('--pull', 'policy', ['always', 'missing', 'never']), undefined);
  assert.deepEqual(parsePullOverride('--pull', 'never', ['always', 'missing', 'never']), { kind: 'never' });
  assert.throws(() => parsePullOverride('--policy', 'never', ['always', 'missing']), /invalid --policy "never"/);
});

test('staleness: refresh policies compare the last pull time; loaded images are not stale', () => {
  const daily: PullPolicy = { kind: 'refresh', intervalMs: 24 * H };
  assert.equal(isStale(daily, { id: 'x', lastPulled: ago(25 * H) }, now), true);
  assert.equal(isStale(daily, { id: 'x', lastPulled: ago(23 * H) }, now), false);
  assert.equal(isStale(daily, { id: 'x' }, now), false);
  assert.equal(isStale({ kind: 'always' }, { id: 'x', lastPulled: ago(1000 * H) }, now), false);
});

test('up: use or pull per policy; never and build are errors naming the service', () => {
  const base = { service: 'web', image: 'redis:7', hasBuild: false };
  const stored = { id: 'sha256:a', lastPulled: ago(2 * H) };
  assert.deepEqual(decideUpImage({ ...base, policy: { kind: 'missing' }, stored }, now), { action: 'use' });
  assert.deepEqual(decideUpImage({ ...base, policy: { kind: 'missing' } }, now), { action: 'pull', reason: 'not found' });
  assert.deepEqual(decideUpImage({ ...base, policy: { kind: 'always' }, stored }, now), { action: 'pull', reason: 'pull_policy always' });
  assert.deepEqual(decideUpImage({ ...base, policy: { kind: 'never' }, stored }, now), { action: 'use' });
  assert.throws(() => decideUpImage({ ...base, policy: { kind: 'never' } }, now), (e: Error & { code?: string }) => e.code === 'E_IMAGE_MISSING' && /service "web": image redis:7 not found/.test(e.message));
  assert.throws(() => decideUpImage({ ...base, policy: { kind: 'build' }, stored }, now), (e: Error & { code?: string }) => e.code === 'E_BUILD_UNSUPPORTED' && /service "web"/.test(e.message));
  assert.throws(() => decideUpImage({ service: 'app', hasBuild: true, policy: { kind: 'missing' } }, now), /service "app" has no image/);
  assert.deepEqual(decideUpImage({ ...base, policy: { kind: 'refresh', intervalMs: H }, stored }, now).action, 'pull');
  assert.deepEqual(decideUpImage({ ...base, policy: { kind: 'refresh', intervalMs: 3 * H }, stored }, now), { action: 'use' });
});

test('up: planUpImages looks each image up once and applies the --pull override to every service', async () => {
  const calls: string[] = [];
  const lookup = async (image: string) => {
    calls.push(image);
    return image === 'redis:7' ? { id: 'sha256:r', lastPulled: ago(48 * H) } : undefined;
  };
  const services = [
    { name: 'a', image: 'redis:7' },
    { name: 'b', image: 'redis:7', pull_policy: 'daily' },
    { name: 'c', image: 'nginx' },
  ];
  assert.deepEqual(await planUpImages(services, lookup, undefined, now), { digests: { a: 'sha256:r' }, pulls: { b: 'pull_policy refresh: image is older than the interval', c: 'not found' } });
  assert.deepEqual(calls, ['redis:7', 'nginx']);
  assert.deepEqual(await planUpImages(services, lookup, { kind: 'always' }, now), { digests: {}, pulls: { a: 'pull_policy always', b: 'pull_policy always', c: 'not found' } });
  await assert.rejects(planUpImages(services, lookup, { kind: 'never' }, now), /service "c": image nginx not found and pull_policy is never/);
});

test('pull command: docker compose skip rules and texts', () => {
  const stored = { id: 'sha256:a', lastPulled: ago(2 * H) };
  const d = (image: string | undefined, policy: PullPolicy, o: { stored?: typeof stored; hasBuild?: boolean; ignoreBuildable?: boolean } = {}) =>
    decidePullCommand({ service: 's', ...(image ? { image } : {}), hasBuild: !!o.hasBuild, policy, ...(o.stored ? { stored: o.stored } : {}) }, { ignoreBuildable: !!o.ignoreBuildable }, now);
  assert.deepEqual(d(undefined, { kind: 'missing' }), { action: 'skip', text: 'Skipped - No image to be pulled' });
  assert.deepEqual(d('redis:7', { kind: 'never' }), { action: 'skip', text: 'Skipped' });
  assert.deepEqual(d('redis:7', { kind: 'build' }), { action: 'skip', text: 'Skipped' });
  assert.deepEqual(d('redis:7', { kind: 'missing' }, { stored }), { action: 'skip', text: 'Skipped - Image is already present locally' });
  assert.deepEqual(d('redis', { kind: 'missing' }, { stored }), { action: 'pull' }, ':latest is refreshed even when present');
  assert.deepEqual(d('redis:7', { kind: 'missing' }), { action: 'pull' });
  assert.deepEqual(d('redis:7', { kind: 'always' }, { stored }), { action: 'pull' });
  assert.deepEqual(d('redis:7', { kind: 'refresh', intervalMs: H }, { stored }), { action: 'pull' });
  assert.deepEqual(d('redis:7', { kind: 'refresh', intervalMs: 3 * H }, { stored }).action, 'skip');
  assert.deepEqual(d('redis:7', { kind: 'always' }, { hasBuild: true, ignoreBuildable: true }), { action: 'skip', text: 'Skipped - Image can be built' });
  assert.deepEqual(d('redis:7', { kind: 'always' }, { hasBuild: true }), { action: 'pull' });
});

test('pinned tags', () => {
  assert.equal(hasPinnedTag('redis:7'), true);
  assert.equal(hasPinnedTag('localhost:5000/app:1.2'), true);
  assert.equal(hasPinnedTag('localhost:5000/app'), false);
  assert.equal(hasPinnedTag('redis:latest'), false);
  assert.equal(hasPinnedTag('redis'), false);
  assert.equal(hasPinnedTag(`redis@sha256:${'a'.repeat(64)}`), false);
});
