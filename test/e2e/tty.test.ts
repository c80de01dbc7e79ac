/**
 * exec -it and run -it in a real terminal: the CLI runs in a tmux pane of a fixed size (its own tmux server
 * on a socket of this test, so no user session is touched). Keys go in with send-keys, the screen comes
 * back with capture-pane, polled with a deadline. Checked: a shell prompt, `tty` is a /dev/pts device,
 * `stty size` is the pane's size and follows a resize, the exit code reaches the outer shell, and
 * `run --rm` leaves no container.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliPath, tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { olderProcesses } from '../helpers/preexisting.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'ExecRun');

/** A tmux server of our own (-L socket) with one session; everything addressed by the names we chose. */
function tmuxOf(socket: string, session: string) {
  const run = (args: string[]) => new Promise<string>((resolve, reject) => {
    execFile('tmux', ['-L', socket, ...args], { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`tmux ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
  const screen = () => run(['capture-pane', '-p', '-J', '-t', session, '-S', '-500']);
  return {
    run,
    screen,
    /** types a line (send-keys -l: literally, then Enter) */
    type: async (line: string) => { await run(['send-keys', '-t', session, '-l', line]); await run(['send-keys', '-t', session, 'Enter']); },
    /**
     * Waits until the text after the last `marker` on the screen matches; markers are echoed lines that
     * make each check look only at what came after its own command.
     */
    waitAfter: (marker: string, re: RegExp, timeoutMs = 60_000) => eventually(async () => {
      const text = await screen();
      const at = marker === '' ? 0 : text.lastIndexOf(marker);
      const tail = at < 0 ? '' : text.slice(at + marker.length);
      assert.match(tail, re, `screen after "${marker}":\n${text}`);
      return tail.match(re)!;
    }, { timeoutMs, intervalMs: 200 }),
  };
}

test('exec -it and run -it in a terminal: prompt, pts, size, resize, exit code', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  // children of containers that ran before this test (other runs on this machine) are not its leaks
  const older = olderProcesses();
  const e = await e2eEnv(t, { ignore: [older.ignore] });
  older.capture();
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '--remove-orphans', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  ok(await cli(['up', '-d']), 'up -d');

  const socket = `tsc-tty-${e.project}`;
  const session = `tty-${e.project}`;
  const tmux = tmuxOf(socket, session);
  // the outer shell knows the CLI, the root and the project; PS1 is plain so the screen is easy to read
  const shell = `env TSCOMPOSE_ROOT=${e.root} PS1='outer$ ' TSC='${cliPath} -p ${e.project}' sh`;
  await tmux.run(['new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', cwd, shell]);
  e.defer(async () => {
    await tmux.run(['kill-session', '-t', session]).catch(() => undefined);
    await tmux.run(['kill-server']).catch(() => undefined);
  });
  await tmux.waitAfter('', /outer\$ ?$/m);

  // exec -it web sh
  await tmux.type('echo M1; $TSC exec web sh');
  await tmux.waitAfter('M1\n', /^\/srv # ?$/m);
  await tmux.type('echo M2; tty; stty size');
  const [, pts] = await tmux.waitAfter('M2\n', /^(\/dev\/pts\/\d+)\n30 100\n/m);
  assert.match(pts!, /^\/dev\/pts\/\d+$/);
  await tmux.run(['resize-window', '-t', session, '-x', '70', '-y', '20']);
  await tmux.type('echo M3; stty size');
  await tmux.waitAfter('M3\n', /^20 70\n/m);
  await tmux.type('exit 4');
  await tmux.waitAfter('exit 4', /outer\$ ?$/m);
  await tmux.type('echo M4 rc=$?');
  await tmux.waitAfter('M4 ', /^rc=4\n/m);

  // run -it --rm web sh (attached before its start: the first prompt is there)
  await tmux.type('echo M5; $TSC run -it --rm web sh');
  await tmux.waitAfter('M5\n', /^\/srv # ?$/m, 120_000);
  await tmux.type('echo M6; tty; stty size');
  await tmux.waitAfter('M6\n', /^\/dev\/pts\/\d+\n20 70\n/m);
  await tmux.run(['resize-window', '-t', session, '-x', '90', '-y', '25']);
  await tmux.type('echo M7; stty size');
  await tmux.waitAfter('M7\n', /^25 90\n/m);
  await tmux.type('exit 3');
  await tmux.waitAfter('exit 3', /outer\$ ?$/m, 120_000);
  await tmux.type('echo M8 rc=$?');
  await tmux.waitAfter('M8 ', /^rc=3\n/m);

  // --rm removed the one-off; the outer terminal is back to normal (not raw): a line echoes as typed
  const rows = ok(await cli(['ps', '-a', '--format', 'json']), 'ps -a').stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Name: string }).Name);
  assert.deepEqual(rows.sort(), [`${e.project}-db-1`, `${e.project}-web-1`]);
  await tmux.type('echo M9 $((6 + 3))');
  await tmux.waitAfter('M9 ', /^9\n/m);
});
