import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedStamp, formatNanos, parseGoDuration, parseLogTime } from '../../../src/logs/log-time.js';
import { mergeByTime, stampKey } from '../../../src/logs/log-merge.js';

const now = new Date('2026-03-04T05:06:07.500Z');

test('Go durations: units, fractions, compounds; no days', () => {
  assert.equal(parseGoDuration('42m'), 42n * 60_000_000_000n);
  assert.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('1.5s'), 1_500_000_000n);
  assert.equal(parseGoDuration('250ms'), 250_000_000n);
  assert.equal(parseGoDuration('3d'), undefined);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('abc'), undefined);
});

test('--since/--until: relative, RFC3339(Nano), Unix seconds, local date forms; bad input names the flag', () => {
  assert.equal(parseLogTime('--since', '10m', now), '2026-03-04T04:56:07.500000000Z');
  assert.equal(parseLogTime('--since', '2013-01-02T13:23:37Z', now), '2013-01-02T13:23:37.000000000Z');
  assert.equal(parseLogTime('--since', '2013-01-02T13:23:37.123456789+01:00', now), '2013-01-02T12:23:37.123456789Z');
  assert.equal(parseLogTime('--until', '1700000000', now), '2023-11-14T22:13:20.000000000Z');
  assert.equal(parseLogTime('--until', '1700000000.5', now), '2023-11-14T22:13:20.500000000Z');
  const local = new Date(2013, 0, 2, 13, 23, 0);
  assert.equal(parseLogTime('--since', '2013-01-02T13:23', now), formatNanos(BigInt(local.getTime()) * 1_000_000n));
  assert.equal(parseLogTime('--since', '2013-01-02', now), formatNanos(BigInt(new Date(2013, 0, 2).getTime()) * 1_000_000n));
  assert.throws(() => parseLogTime('--since', 'yesterday', now), (e: Error & { exitCode?: number }) => /invalid value "yesterday" for --since/.test(e.message) && e.exitCode === 1);
});

test('stamps are shown in docker\'s fixed nine-digit UTC form, nanoseconds kept', () => {
  assert.equal(fixedStamp('2026-01-02T03:04:05.123Z'), '2026-01-02T03:04:05.123000000Z');
  assert.equal(fixedStamp('2026-01-02T03:04:05.123456789Z'), '2026-01-02T03:04:05.123456789Z');
  assert.equal(fixedStamp('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000000000Z');
});

test('merging several containers\' entries orders them by time at nanosecond precision, stable on ties', () => {
  const e = (time: string, log: string) => ({ time, log });
  const merged = mergeByTime([
    { source: 'a', entries: [e('2026-01-01T00:00:00.000000001Z', 'a1'), e('2026-01-01T00:00:00.000000005Z', 'a2'), e('2026-01-01T00:00:01Z', 'a3')] },
    { source: 'b', entries: [e('2026-01-01T00:00:00.000000003Z', 'b1'), e('2026-01-01T00:00:00.000000005Z', 'b2')] },
    { source: 'c', entries: [] },
  ]);
  assert.deepEqual(merged.map((m) => `${m.source}:${m.entry.log}`), ['a:a1', 'b:b1', 'a:a2', 'b:b2', 'a:a3']);
  assert.ok(stampKey('2026-01-01T00:00:00.000000002Z') > stampKey('2026-01-01T00:00:00.000000001Z'));
});
