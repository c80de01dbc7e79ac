import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { checkTerminal } from '../../../src/cli/commands/ui.js';
import { execUiAction, planActionRun } from '../../../src/ui/actions.js';

test('planActionRun: the titles and file needs of the matching CLI commands', () => {
  const runs = (['restart', 'start', 'stop', 'pause', 'unpause'] as const).map((kind) => {
    const r = planActionRun({ kind, service: 'web', container: 'p-web-1' });
    return [kind, r.title, r.withoutFile === true];
  });
  // start and restart need the Compose file (a start attaches networks as it declares them), as their commands do
  assert.deepEqual(runs, [
    ['restart', 'Restarting', false],
    ['start', 'Starting', false],
    ['stop', 'Stopping', true],
    ['pause', 'Pausing', true],
    ['unpause', 'Unpausing', true],
  ]);
});

test('execUiAction: a failure comes back as a status line naming the action and service, nothing is printed', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsc-ui-act-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let printed = '';
  const out = new Writable({ write(c, _e, done) { printed += String(c); done(); } });
  const ctx = {
    global: { files: [], profiles: [], parallel: -1, progress: 'auto' as const, ansi: 'auto' as const, dryRun: false },
    args: [], options: {}, stdout: out, stderr: out, env: {}, cwd: dir,
  };
  const r = await execUiAction(ctx, { kind: 'restart', service: 'web', container: 'p-web-1' });
  assert.equal(r.ok, false);
  assert.match(r.message, /^restart web: no configuration file provided/);
  assert.equal(printed, '');
});

test('checkTerminal: both stdin and stdout must be terminals', () => {
  assert.doesNotThrow(() => checkTerminal({ isTTY: true }, { isTTY: true }));
  for (const [i, o] of [[false, true], [true, false], [undefined, undefined]]) {
    assert.throws(() => checkTerminal({ isTTY: i }, { isTTY: o }), (e: Error & { code?: string }) => e.message === 'ui needs a terminal' && e.code === 'E_NO_TTY');
  }
});
