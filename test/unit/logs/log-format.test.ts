import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogFormatter, displayName, planPrefix, RAINBOW, useColor } from '../../../src/logs/log-format.js';

test('prefixes pad to the longest name plus one, and re-pad when a longer name joins', () => {
  const f = createLogFormatter({ color: false, prefix: true, timestamps: false });
  f.register('web-1');
  assert.equal(f.formatLines('web-1', 'hello\n'), 'web-1  | hello\n');
  f.register('worker-10');
  assert.equal(f.formatLines('web-1', 'again\n'), 'web-1      | again\n');
  assert.equal(f.formatLines('worker-10', 'x\n'), 'worker-10  | x\n');
  assert.equal(planPrefix('a', 3), 'a   | ');
});

test('a multi-line entry gets one prefix per line; the trailing newline is not a line', () => {
  const f = createLogFormatter({ color: false, prefix: true, timestamps: false });
  assert.equal(f.formatLines('db-1', 'one\ntwo\n'), 'db-1  | one\ndb-1  | two\n');
  assert.equal(f.formatLines('db-1', 'partial'), 'db-1  | partial\n');
  assert.equal(f.formatLines('db-1', '\n'), 'db-1  | \n', 'an empty line stays a line');
});

test('--no-log-prefix drops the prefix; a stamp goes after the prefix', () => {
  const bare = createLogFormatter({ color: true, prefix: false, timestamps: false });
  assert.equal(bare.formatLines('web-1', 'hi\n'), 'hi\n', 'no prefix, and the message itself is never colored');
  const stamped = createLogFormatter({ color: false, prefix: true, timestamps: true });
  assert.equal(stamped.formatLines('web-1', 'hi\n', '2026-01-02T03:04:05.000000001Z'), 'web-1  | 2026-01-02T03:04:05.000000001Z hi\n');
});

test('colors cycle per name in docker compose order, only the prefix is colored, status lines wholly', () => {
  const f = createLogFormatter({ color: true, prefix: true, timestamps: false });
  const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
  for (const n of names) f.register(n);
  assert.deepEqual([...RAINBOW], ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1']);
  assert.equal(f.formatLines('s0', 'm\n'), '\x1b[36ms0   | \x1b[0mm\n');
  assert.equal(f.formatLines('s1', 'm\n'), '\x1b[33ms1   | \x1b[0mm\n');
  assert.equal(f.formatLines('s5', 'm\n'), '\x1b[36;1ms5   | \x1b[0mm\n');
  assert.equal(f.formatLines('s10', 'm\n'), '\x1b[36ms10  | \x1b[0mm\n', 'the eleventh name wraps around to cyan');
  assert.equal(f.formatStatus('s1', 'exited with code 3'), '\x1b[33ms1 exited with code 3\x1b[0m\n');
  const plain = createLogFormatter({ color: false, prefix: true, timestamps: false });
  assert.equal(plain.formatStatus('web-1', 'exited with code 0'), 'web-1 exited with code 0\n');
});

test('display names drop the project prefix, but a custom container_name stays whole', () => {
  const labels = { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2' };
  assert.equal(displayName('demo-web-2', labels), 'web-2');
  assert.equal(displayName('my-web', labels), 'my-web');
  assert.equal(displayName('other', {}), 'other');
});

test('color is used on a terminal unless --no-color, --ansi never or NO_COLOR; --ansi always forces it', () => {
  assert.equal(useColor({ ansi: 'auto', env: {}, isTTY: true }), true);
  assert.equal(useColor({ ansi: 'auto', env: {}, isTTY: false }), false);
  assert.equal(useColor({ noColor: true, ansi: 'always', env: {}, isTTY: true }), false);
  assert.equal(useColor({ ansi: 'never', env: {}, isTTY: true }), false);
  assert.equal(useColor({ ansi: 'auto', env: { NO_COLOR: '1' }, isTTY: true }), false);
  assert.equal(useColor({ ansi: 'always', env: {}, isTTY: false }), true);
});
