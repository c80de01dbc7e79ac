import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIndex, parseTail } from '../../../src/cli/commands/logs.js';
import { parseSigProxy } from '../../../src/cli/commands/attach.js';
import { parseInvocation, type IO } from '../../../src/cli/program.js';

const io: IO = { stdout: process.stdout, stderr: process.stderr, env: {}, cwd: '/' };
function parse(argv: string[]) {
  const inv = parseInvocation(argv, io);
  if ('help' in inv) throw new Error('help shown');
  return { args: inv.ctx.args, options: inv.ctx.options };
}

test('up: --no-attach SERVICE is its own repeatable option, not the negation of --attach', () => {
  const u = parse(['up', '--attach', 'web', '--no-attach', 'db', '--no-attach', 'cache', '--no-color', '--no-log-prefix', '--exit-code-from', 'job', 'web']);
  assert.deepEqual(u.options.attach, ['web']);
  assert.deepEqual(u.options.noAttach, ['db', 'cache']);
  assert.equal(u.options.color, false);
  assert.equal(u.options.logPrefix, false);
  assert.equal(u.options.exitCodeFrom, 'job');
  assert.deepEqual(u.args, ['web']);
  const l = parse(['logs', '-f', '-n', '5', '-t', '--since', '10m', '--index', '2', 'web']);
  assert.deepEqual([l.options.follow, l.options.tail, l.options.timestamps, l.options.since, l.options.index, l.args], [true, '5', true, '10m', '2', ['web']]);
  assert.equal(parse(['logs']).options.tail, 'all');
});

test('logs -n/--tail: a count or all (a negative count is all, as docker reads it)', () => {
  assert.equal(parseTail(undefined), undefined);
  assert.equal(parseTail('all'), undefined);
  assert.equal(parseTail('0'), 0);
  assert.equal(parseTail('25'), 25);
  assert.equal(parseTail('-1'), undefined);
  assert.throws(() => parseTail('ten'), (e: Error & { exitCode?: number }) => /invalid value "ten" for -n\/--tail/.test(e.message) && e.exitCode === 1);
});

test('--index: a replica number that needs exactly one service; 0 means not given', () => {
  assert.equal(parseIndex(undefined, []), undefined);
  assert.equal(parseIndex('0', ['web', 'db']), undefined);
  assert.equal(parseIndex('2', ['web']), 2);
  assert.throws(() => parseIndex('2', ['web', 'db']), /--index requires one service to be selected/);
  assert.throws(() => parseIndex('2', []), /--index requires one service to be selected/);
  assert.throws(() => parseIndex('x', ['web']), /invalid value "x" for --index/);
});

test('attach --sig-proxy: on by default, a bare flag is true, false/0 turn it off', () => {
  assert.equal(parseSigProxy(undefined), true);
  assert.equal(parseSigProxy(true), true);
  assert.equal(parseSigProxy('true'), true);
  assert.equal(parseSigProxy('false'), false);
  assert.equal(parseSigProxy('0'), false);
  assert.throws(() => parseSigProxy('maybe'), /invalid value "maybe" for --sig-proxy/);
});
