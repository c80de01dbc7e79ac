/**
 * `tscompose ui` in a real terminal: the CLI runs in a tmux pane (its own tmux server on a socket of this
 * test, so no user session is touched). A busybox project with two logging services is up; the ui shows both
 * rows and the selected one's log lines, `r` restarts that service (its StartedAt changes), `q` ends the ui
 * with 0, the containers are still running and the pane shows the shell again (the alternate screen is left).
 * Also: without a terminal the ui refuses with one line and exit 1.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { collectMetas } from '../../runtime/container/meta.js';
import { readShimState } from '../../runtime/container/state.js';
import { pathsFor } from '../../runtime/store/paths.js';
import { ok, jsonLines } from '../helpers/cli-assert.js';
import { cliPath, tscompose } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';

// each service logs a numbered line a second and ends at once on SIGTERM (restart needs no grace period)
const COMPOSE = `services:
  db:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do echo \\"db line $$i\\"; i=$$((i+1)); sleep 1; done"]
  web:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do echo \\"web line $$i\\"; i=$$((i+1)); sleep 1; done"]
`;

test('ui without a terminal refuses with one line and exit 1', async () => {
  const r = await tscompose(['-p', 'nosuchproject', 'ui']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'ui needs a terminal\n');
  assert.equal(r.stdout, '');
});

test('ui in a terminal: rows, log lines, r restarts, q leaves the containers running and the screen restored', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  const e = await e2eEnv(t);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsc-ui-'));
  e.defer(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'compose.yaml'), COMPOSE);
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd: dir, env: e.env, timeoutMs: 150_000 });
  e.defer(() => cli(['down', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  ok(await cli(['up', '-d']), 'up -d');
  const startedAt = (name: string) => {
    const c = collectMetas(pathsFor(e.env).containers).find((m) => m.meta.name === name);
    return c ? readShimState(c.bundle)?.startedAt : undefined;
  };

  const socket = `tsc-ui-${e.project}`;
  const session = `ui-${e.project}`;
  const tmux = (args: string[]) => new Promise<string>((resolve, reject) => {
    execFile('tmux', ['-L', socket, ...args], { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`tmux ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
  // the visible pane only (no history): in the alternate screen that is the ui, after it the shell
  const screen = () => tmux(['capture-pane', '-p', '-t', session]);
  const waitScreen = (re: RegExp, what: string, timeoutMs = 60_000) => eventually(async () => {
    const text = await screen();
    assert.match(text, re, `${what}; screen:\n${text}`);
    return text;
  }, { timeoutMs, intervalMs: 200 });
  const key = (k: string) => tmux(['send-keys', '-t', session, '-l', k]);

  await tmux(['new-session', '-d', '-s', session, '-x', '110', '-y', '30', '-c', dir, `env TSCOMPOSE_ROOT=${e.root} PS1='outer$ ' sh`]);
  e.defer(async () => {
    await tmux(['kill-session', '-t', session]).catch(() => undefined);
    await tmux(['kill-server']).catch(() => undefined);
  });
  await waitScreen(/outer\$ ?$/m, 'shell prompt');
  await tmux(['send-keys', '-t', session, '-l', `echo M1; ${cliPath} -p ${e.project} ui; echo "M2 rc=$?"`]);
  await tmux(['send-keys', '-t', session, 'Enter']);

  const db = `${e.project}-db-1`;
  const web = `${e.project}-web-1`;
  // both rows; the first (db) is selected and its log lines show below
  const first = await waitScreen(new RegExp(`${db}\\s+db\\s+running[\\s\\S]*${web}\\s+web\\s+running[\\s\\S]*logs ${db}[\\s\\S]*^db line \\d+`, 'm'), 'rows and log', 120_000);
  assert.match(first, /containers keep running/);
  assert.ok(first.split('\n').filter((l) => l.trim() !== '').length <= 29, 'the frame is at most rows-1 tall');
  assert.doesNotMatch(first, /M2 rc=/, 'the ui is still running');

  // move to web: its logs follow
  await key('j');
  await waitScreen(new RegExp(`logs ${web}[\\s\\S]*^web line \\d+`, 'm'), 'web selected');
  const before = startedAt(web);
  const dbBefore = startedAt(db);
  assert.ok(before, 'web has a StartedAt');
  await key('r');
  await waitScreen(/Restarted web/, 'restart reported', 120_000);
  await eventually(() => assert.notEqual(startedAt(web), before, 'web StartedAt changed'), { timeoutMs: 60_000 });
  assert.equal(startedAt(db), dbBefore, 'db was not restarted');

  await key('q');
  const after = await waitScreen(/M2 rc=0\n(?:.*\n)*outer\$ ?$/m, 'ui ended with 0 and the shell is back');
  assert.match(after, /M1/, 'the shell screen from before the ui is back (alternate screen left)');
  assert.doesNotMatch(after, /containers keep running/, 'no ui left on the screen');
  const rows = jsonLines<{ Name: string; State: string }>(ok(await cli(['ps', '--format', 'json']), 'ps'));
  assert.deepEqual(rows.map((r) => `${r.Name} ${r.State}`).sort(), [`${db} running`, `${web} running`]);
  // the terminal is not left in raw mode: a typed line echoes and runs
  await tmux(['send-keys', '-t', session, '-l', 'echo M3 $((6 + 3))']);
  await tmux(['send-keys', '-t', session, 'Enter']);
  await waitScreen(/^M3 9$/m, 'cooked terminal');
});
