/**
 * stdin without a terminal through the built CLI, as docker compose users rely on it:
 * 1. `run -T` pipes the CLI's stdin into the one-off (-i is the default): `echo hello | run cat`,
 *    `sh -c 'read x'`, 1 MiB from a file through `wc -c` and through `cat` (the container writes as much as it
 *    reads: nothing lost, no deadlock), `</dev/null` ends at once, the exit code is the container's, and
 *    `run -d` keeps stdin open as docker compose does (`-i=false` gives /dev/null); also under `runtime: runc`.
 * 2. `stdin_open: true` (up -d): `cat` keeps running; without it `cat` reads /dev/null and exits.
 * 3. `attach` to the stdin_open container: the caller's stdin reaches it, its EOF does not close the
 *    container's stdin (a second attach still gets through), --no-stdin forwards nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliPath, tscompose, type CliResult } from '../helpers/cli.js';
import { ok } from '../helpers/cli-assert.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'Stdin');

interface Proc { pid: number; stdout(): string; stderr(): string; write(s: string): void; end(): void; done: Promise<CliResult> }

/** The CLI with the given stdin (a pipe we write, or an fd such as an open file); its stdout/stderr kept. */
function spawnWith(args: string[], env: Record<string, string>, stdin: 'pipe' | 'ignore' | number, timeoutMs = 120_000): Proc {
  const child = spawn(cliPath, args, { cwd, env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] as StdioOptions });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin?.on('error', () => undefined); // the CLI may exit before it read everything (run of a command that ignores stdin)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr }); });
  });
  return { pid: child.pid!, stdout: () => stdout, stderr: () => stderr, write: (s) => child.stdin!.write(s), end: () => child.stdin!.end(), done };
}

/** 1 MiB of numbered lines (a lost or reordered chunk shows). */
function bigInput(): string {
  let s = '';
  for (let i = 0; s.length < 1 << 20; i++) s += `line ${String(i).padStart(8, '0')} ${'y'.repeat(40)}\n`;
  return s.slice(0, 1 << 20);
}

test('stdin without a terminal: run -T pipes, stdin_open keeps it open, attach forwards', { skip: needsRoot, timeout: 600_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cli = (args: string[], input?: string) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });
  e.defer(() => cli(['down', '--remove-orphans', '-t', '0']));
  const host = await mkdtemp(path.join(os.tmpdir(), 'tsc-stdin-'));
  e.defer(() => rm(host, { recursive: true, force: true }));
  await loadKitImages(e.env, 'busybox');

  // 1. run -T: the CLI's stdin is the container's, its EOF the container's EOF
  assert.equal(ok(await cli(['run', '--rm', '-T', 'tool', 'cat'], 'hello\n'), 'echo hello | run cat').stdout, 'hello\n');
  assert.equal(ok(await cli(['run', '--rm', '-T', 'tool', 'sh', '-c', 'read x; echo got:$x'], 'abc\n'), 'run read <<< abc').stdout, 'got:abc\n');
  // runc hands the pipe's read end on as the container's fd 0
  assert.equal(ok(await cli(['run', '--rm', '-T', 'tool-runc', 'sh', '-c', 'cat; echo eof'], 'hello-runc\n'), 'run under runc').stdout, 'hello-runc\neof\n');
  const five = await cli(['run', '--rm', '-T', 'tool', 'sh', '-c', 'cat >/dev/null; echo drained; exit 5'], 'some input\n');
  assert.equal(five.code, 5, five.stderr);
  assert.equal(five.stdout, 'drained\n');
  const big = bigInput();
  const file = path.join(host, 'big.txt');
  await writeFile(file, big);
  for (const [cmd, want] of [[['wc', '-c'], `${big.length}\n`], [['cat'], big]] as const) {
    const fd = openSync(file, 'r');
    try {
      const r = await spawnWith(['-p', e.project, 'run', '--rm', '-T', 'tool', ...cmd], e.env, fd).done;
      assert.equal(r.code, 0, r.stderr);
      // wc's count has spaces in busybox: compare the number
      if (cmd[0] === 'wc') assert.equal(r.stdout.trim(), want.trim(), 'wc -c < 1 MiB file');
      else assert.ok(r.stdout === want, `cat < 1 MiB file: ${r.stdout.length} bytes came back, want ${want.length}`);
    } finally {
      closeSync(fd);
    }
  }
  // </dev/null: cat ends at once (a pipe left open by the caller would hang here instead)
  const devnull = await spawnWith(['-p', e.project, 'run', '--rm', '-T', 'tool', 'sh', '-c', 'cat; echo after-eof'], e.env, 'ignore', 60_000).done;
  assert.equal(devnull.code, 0, devnull.stderr);
  assert.equal(devnull.stdout, 'after-eof\n');
  // the container may end first: the CLI must not wait for a stdin that stays open
  const early = spawnWith(['-p', e.project, 'run', '--rm', '-T', 'tool', 'sh', '-c', 'read x; echo first:$x'], e.env, 'pipe');
  early.write('one\n');
  const earlyDone = await early.done;
  assert.equal(earlyDone.code, 0, earlyDone.stderr);
  assert.equal(earlyDone.stdout, 'first:one\n');
  early.end();
  // -d: stdin is still open, as docker compose keeps it (StdinOpen = --interactive, true by default), so cat keeps
  // running though nobody writes to it; with -i=false it reads /dev/null and ends at once
  const oneoff = async (name: string) => ok(await cli(['ps', '-a', '--format', 'json', 'tool']), 'ps tool').stdout.split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { Name: string; State: string; ExitCode: number }).find((r) => r.Name === name);
  const kept = ok(await cli(['run', '-d', 'tool', 'sh', '-c', 'cat; echo detached-eof']), 'run -d').stdout.trim();
  const closed = ok(await cli(['run', '-d', '--interactive=false', 'tool', 'sh', '-c', 'cat; echo detached-eof']), 'run -d -i=false').stdout.trim();
  assert.ok(kept.length > 0 && closed.length > 0);
  await eventually(async () => {
    const r = await oneoff(closed);
    assert.equal(r?.State, 'exited');
    assert.equal(r?.ExitCode, 0);
  }, { timeoutMs: 60_000, intervalMs: 200 });
  assert.equal((await oneoff(kept))?.State, 'running', 'run -d keeps stdin open: cat still waits');

  // 2. stdin_open keeps cat running; without it cat reads /dev/null and exits
  ok(await cli(['up', '-d', 'keep', 'closed']), 'up -d');
  await eventually(async () => assert.match(ok(await cli(['logs', 'closed']), 'logs closed').stdout, /closed-eof/), { timeoutMs: 60_000, intervalMs: 200 });
  const states = async () => Object.fromEntries(ok(await cli(['ps', '-a', '--format', 'json', 'keep', 'closed']), 'ps').stdout.split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { Service: string; State: string }).map((r) => [r.Service, r.State]));
  await eventually(async () => assert.deepEqual(await states(), { keep: 'running', closed: 'exited' }), { timeoutMs: 60_000, intervalMs: 200 });

  // 3. attach: the caller's stdin reaches the container, its EOF does not close the container's stdin
  const first = spawnWith(['-p', e.project, 'attach', 'keep'], e.env, 'pipe');
  e.defer(() => { try { process.kill(first.pid, 'SIGKILL'); } catch { /* exited */ } });
  first.write('via-attach\n');
  await eventually(() => assert.match(first.stdout(), /via-attach\n/), { timeoutMs: 60_000, intervalMs: 100 });
  first.end();
  // --no-stdin: nothing of this attach's input is forwarded. Its output is followed only after the stdin
  // decision, so seeing a marker the container printed later on its stdout means a forward would have happened.
  const quiet = spawnWith(['-p', e.project, 'attach', '--no-stdin', 'keep'], e.env, 'pipe');
  e.defer(() => { try { process.kill(quiet.pid, 'SIGKILL'); } catch { /* exited */ } });
  quiet.write('ignored-input\n');
  await eventually(async () => {
    ok(await cli(['exec', '-T', 'keep', 'sh', '-c', 'echo marker > /proc/1/fd/1']), 'exec marker');
    assert.match(quiet.stdout(), /marker/);
  }, { timeoutMs: 60_000, intervalMs: 500 });
  const second = spawnWith(['-p', e.project, 'attach', 'keep'], e.env, 'pipe');
  e.defer(() => { try { process.kill(second.pid, 'SIGKILL'); } catch { /* exited */ } });
  second.write('second-attach\n');
  await eventually(() => assert.match(second.stdout(), /second-attach\n/), { timeoutMs: 60_000, intervalMs: 100 });
  const log = ok(await cli(['logs', 'keep']), 'logs keep').stdout;
  assert.ok(!log.includes('ignored-input'), `--no-stdin forwarded input:\n${log}`);
  assert.deepEqual(await states(), { keep: 'running', closed: 'exited' }, 'the first attach\'s EOF left keep running');
  for (const p of [first, second, quiet]) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* exited */ } }
  await Promise.all([first.done, second.done, quiet.done]);
});
