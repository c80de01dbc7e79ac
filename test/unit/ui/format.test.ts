import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fit, formatPortsShort, formatState, formatUptime, layoutColumns } from '../../../src/ui/format.js';

test('formatUptime: compact units, empty without a start', () => {
  const start = '2026-01-01T00:00:00.123456789Z';
  const at = Date.parse(start);
  assert.equal(formatUptime(start, at + 42_000), '42s');
  assert.equal(formatUptime(start, at + 3 * 60_000 + 5_000), '3m');
  assert.equal(formatUptime(start, at + 5 * 3600_000), '5h');
  assert.equal(formatUptime(start, at + 50 * 3600_000), '2d');
  assert.equal(formatUptime(start, at - 5_000), '0s');
  assert.equal(formatUptime(undefined, at), '');
  assert.equal(formatUptime('', at), '');
});

test('formatState: health for live ones, exit code for stopped ones', () => {
  assert.equal(formatState('running', 'healthy', null), 'running (healthy)');
  assert.equal(formatState('running', undefined, null), 'running');
  assert.equal(formatState('exited', undefined, 137), 'exited (137)');
  assert.equal(formatState('dead', undefined, null), 'dead (0)');
  assert.equal(formatState('paused', '', null), 'paused');
});

test('formatPortsShort: every-address host ip dropped, a specific one kept, v4/v6 twins once', () => {
  const p = (hostIp: string, published: number, target: number, protocol = 'tcp') => ({ hostIp, published, target, protocol }) as never;
  assert.equal(formatPortsShort([p('', 8080, 80), p('::', 8080, 80), p('127.0.0.1', 9000, 90, 'udp')]), '8080->80/tcp, 127.0.0.1:9000->90/udp');
  assert.equal(formatPortsShort([]), '');
});

test('fit and layoutColumns: columns padded, lines never wider than the width', () => {
  assert.equal(fit('abcdef', 4), 'abc…');
  assert.equal(fit('abc', 4), 'abc');
  assert.equal(fit('abc', 0), '');
  const lines = layoutColumns([['NAME', 'STATE'], ['demo-web-1', 'running'], ['x', 'exited (1)']], 80);
  assert.deepEqual(lines, ['NAME        STATE', 'demo-web-1  running', 'x           exited (1)']);
  for (const l of layoutColumns([['a'.repeat(50), 'b'.repeat(50)]], 30)) assert.equal(l.length, 30);
});
