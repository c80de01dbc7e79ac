/**
 * `attach` to a container with a terminal (testdata/LogsAttach), run under a pseudo-terminal as a user would:
 * what is typed reaches the shell, the terminal size is passed on, ctrl-p ctrl-q detaches and leaves the
 * container running, and a second attach returns the shell's exit code. Leak check via e2eEnv after down.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import { cliPath, tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'LogsAttach');

function attach(project: string, env: Record<string, string>) {
  const term = pty.spawn(cliPath, ['-p', project, 'attach', 'shell'], { cwd, env: { ...process.env, ...env } as Record<string, string>, cols: 101, rows: 33 });
  let out = '';
  term.onData((d) => (out += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return { term, exited, out: () => out };
}

test('attach with a terminal: input, size, detach keys, exit code', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  ok(await cli(['up', '-d']), 'up -d');

  const first = attach(e.project, e.env);
  e.defer(() => { first.term.kill('SIGKILL'); });
  first.term.write('echo hi-$((1+2))\r');
  await eventually(() => assert.match(first.out(), /hi-3/, first.out()), { timeoutMs: 30_000 });
  first.term.write('stty size\r');
  await eventually(() => assert.match(first.out(), /33 101/, first.out()), { timeoutMs: 30_000 });
  first.term.write('\x10\x11');
  assert.equal(await first.exited, 0, first.out());
  assert.match(first.out(), /read escape sequence/);
  const ps = JSON.parse(ok(await cli(['ps', '--format', 'json']), 'ps').stdout.trim()) as { State: string };
  assert.equal(ps.State, 'running', 'a detach leaves the container running');

  const second = attach(e.project, e.env);
  e.defer(() => { second.term.kill('SIGKILL'); });
  second.term.write('exit 7\r');
  assert.equal(await second.exited, 7, second.out());
  const bad = await cli(['attach', 'shell']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /service "shell" is not running/);
});
