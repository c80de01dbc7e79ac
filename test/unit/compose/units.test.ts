/** Go-compatible durations and docker-compatible byte sizes (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes } from '../../../src/compose/canonical/bytes.js';
import { formatDuration, parseDuration } from '../../../src/compose/canonical/durations.js';

test('durations parse like time.ParseDuration', () => {
  assert.equal(parseDuration('1h30m'), 5400e9);
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration('300ms'), 300e6);
  assert.equal(parseDuration('2us'), 2000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('-1m'), -60e9);
  for (const bad of ['', '10', '1x', 's', '1m 2s']) assert.equal(parseDuration(bad), undefined, bad);
});

test('durations print like time.Duration.String', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'], [500, '500ns'], [1500, '1.5µs'], [300e6, '300ms'], [1.5e9, '1.5s'], [90e9, '1m30s'],
    [3600e9, '1h0m0s'], [3723e9, '1h2m3s'], [-60e9, '-1m0s'],
  ];
  for (const [ns, text] of cases) assert.equal(formatDuration(ns), text, text);
});

test('byte sizes use binary multiples and optional b/ib suffixes', () => {
  assert.equal(parseBytes('512'), 512);
  assert.equal(parseBytes('1k'), 1024);
  assert.equal(parseBytes('1kb'), 1024);
  assert.equal(parseBytes('64M'), 64 * 1024 ** 2);
  assert.equal(parseBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('2GiB'), 2 * 1024 ** 3);
  for (const bad of ['', 'm', '1x', '1 gigabyte']) assert.equal(parseBytes(bad), undefined, bad);
});
