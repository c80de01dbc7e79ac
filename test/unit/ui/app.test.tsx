// tsconfig.json (whose jsx setting tsx applies) excludes test/, so the automatic runtime is asked for here
/* @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { App, FOOTER, type UiSource } from '../../../src/ui/app.js';
import type { UiRow } from '../../../src/ui/view-model.js';

function row(name: string, service: string, status: string, state = status): UiRow {
  return { id: `id-${name}`, name, service, status, state, restarts: 0, ports: '', uptime: '5s', startedAt: '', log: { id: `id-${name}`, name, service, number: 1, summary: {} as never } };
}

function fakeSource(opts: { fail?: string } = {}) {
  const acts: Array<{ kind: string; service: string }> = [];
  const follows: Array<{ name: string; tail: number; aborted: boolean }> = [];
  let rows = [row('p-db-1', 'db', 'running'), row('p-web-1', 'web', 'exited', 'exited (1)')];
  let said = 0;
  const source: UiSource = {
    rows: () => rows,
    // a follower that says a numbered line every 30 ms until it is stopped
    followLogs: (r, tail, onLine, signal) => new Promise<void>((resolve) => {
      const f = { name: r.name, tail, aborted: false };
      follows.push(f);
      const say = () => { said += 1; onLine({ time: '2026-01-01T00:00:00Z', log: `${r.name} says hello ${said}\n` }); };
      say();
      const timer = setInterval(say, 30);
      signal.addEventListener('abort', () => { clearInterval(timer); f.aborted = true; resolve(); }, { once: true });
    }),
    act: async (a) => {
      acts.push({ kind: a.kind, service: a.service });
      if (opts.fail) return { ok: false, message: `${a.kind} ${a.service}: ${opts.fail}` };
      return { ok: true, message: `Done ${a.kind} ${a.service}` };
    },
  };
  return { source, acts, follows, setRows: (r: UiRow[]) => { rows = r; } };
}

async function until(get: () => string | undefined, re: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const f = get() ?? '';
    if (re.test(f)) return f;
    if (Date.now() > deadline) assert.fail(`${what}: ${re} not on the frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const eventually = async (check: () => void): Promise<void> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try { check(); return; } catch (e) { if (Date.now() > deadline) throw e; }
    await new Promise((r) => setTimeout(r, 20));
  }
};

const press = async (stdin: { write(s: string): void }, keys: string) => {
  for (const k of keys) {
    stdin.write(k);
    await new Promise((r) => setTimeout(r, 30));
  }
};

test('App: table with the first row selected, its log tail, the footer; frame under rows-1', async (t) => {
  const f = fakeSource();
  const ui = render(<App project="p" source={f.source} size={{ columns: 100, rows: 12 }} refreshMs={50} />);
  t.after(() => ui.unmount());
  const frame = await until(ui.lastFrame, /p-db-1 says hello/, 'first log line');
  assert.match(frame, /tscompose ui — project p — 2 containers/);
  assert.match(frame, /NAME\s+SERVICE\s+STATE/);
  assert.match(frame, /p-db-1\s+db\s+running/);
  assert.match(frame, /p-web-1\s+web\s+exited \(1\)/);
  assert.match(frame, /logs p-db-1 \(follow on, timestamps off\)/);
  assert.ok(frame.includes(FOOTER.slice(0, 40)), frame);
  assert.match(frame, /containers keep running/);
  for (const fr of ui.frames) assert.ok(fr.split('\n').length <= 11, `frame of ${fr.split('\n').length} lines`);
  // following: new lines show up
  await until(ui.lastFrame, /p-db-1 says hello (?:[5-9]|\d\d)/, 'log follows');
  assert.deepEqual(f.follows.map((x) => [x.name, x.tail]), [['p-db-1', 500]]);
});

test('App: keys move the selection, toggle stamps/follow, and run actions on the selected service', async (t) => {
  const f = fakeSource();
  const ui = render(<App project="p" source={f.source} size={{ columns: 100, rows: 14 }} refreshMs={50} />);
  t.after(() => ui.unmount());
  await until(ui.lastFrame, /p-db-1 says hello/, 'start');
  // two keys in one chunk (typed fast, or sent together): both count
  ui.stdin.write('jt');
  await until(ui.lastFrame, /logs p-web-1 \(follow on, timestamps on\)/, 'selection moved, stamps on');
  // the old follower was stopped, the new one follows the selection
  assert.deepEqual(f.follows.map((x) => [x.name, x.aborted]), [['p-db-1', true], ['p-web-1', false]]);
  await until(ui.lastFrame, /2026-01-01T00:00:00.000000000Z p-web-1 says hello/, 'timestamps');
  await press(ui.stdin, 's');
  await until(ui.lastFrame, /Done start web/, 'start on an exited row');
  await press(ui.stdin, 'kr');
  await until(ui.lastFrame, /Done restart db/, 'restart');
  assert.deepEqual(f.acts, [{ kind: 'start', service: 'web' }, { kind: 'restart', service: 'db' }]);
  // follow off: the pane stays as it is while lines keep coming; on again, it catches up
  await until(ui.lastFrame, /p-db-1 says hello/, 'db lines again');
  await press(ui.stdin, 'f');
  await until(ui.lastFrame, /follow off/, 'follow off');
  const frozen = (ui.lastFrame() ?? '').match(/says hello (\d+)/g)?.pop();
  assert.ok(frozen, ui.lastFrame());
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((ui.lastFrame() ?? '').match(/says hello (\d+)/g)?.pop(), frozen, 'the pane did not move while follow is off');
  await press(ui.stdin, 'f');
  await until(ui.lastFrame, /follow on/, 'follow on');
  await eventually(() => assert.notEqual((ui.lastFrame() ?? '').match(/says hello (\d+)/g)?.pop(), frozen));
  await press(ui.stdin, '?');
  await until(ui.lastFrame, /j\/k move · f follow · t timestamps/, 'help line');
});

test('App: a failing action shows its error in the status line and the ui goes on', async (t) => {
  const f = fakeSource({ fail: 'no such service: db' });
  const ui = render(<App project="p" source={f.source} size={{ columns: 100, rows: 12 }} refreshMs={50} />);
  t.after(() => ui.unmount());
  await until(ui.lastFrame, /p-db-1 says hello/, 'start');
  await press(ui.stdin, 'p');
  await until(ui.lastFrame, /pause db: no such service: db/, 'error shown');
  await press(ui.stdin, 'j');
  await until(ui.lastFrame, /logs p-web-1/, 'still responds');
  await press(ui.stdin, 'p');
  await until(ui.lastFrame, /p-web-1 is not running: nothing to pause/, 'notice');
  assert.deepEqual(f.acts, [{ kind: 'pause', service: 'db' }]);
});

test('App: the selection stays on its container when rows change; q ends the app', async (t) => {
  const f = fakeSource();
  const ui = render(<App project="p" source={f.source} size={{ columns: 100, rows: 12 }} refreshMs={50} />);
  t.after(() => ui.unmount());
  await until(ui.lastFrame, /p-db-1 says hello/, 'start');
  await press(ui.stdin, 'j');
  await until(ui.lastFrame, /logs p-web-1/, 'moved');
  f.setRows([row('p-a-1', 'a', 'running'), row('p-db-1', 'db', 'running'), row('p-web-1', 'web', 'running')]);
  await until(ui.lastFrame, /3 containers/, 'new row');
  assert.match(ui.lastFrame() ?? '', /logs p-web-1/);
  f.setRows([]);
  await until(ui.lastFrame, /\(no containers\)/, 'empty');
  await press(ui.stdin, 'q');
  // after q the app has exited: it reads and draws nothing more (before it, a change showed within 50 ms)
  f.setRows([row('p-z-1', 'z', 'running')]);
  await new Promise((r) => setTimeout(r, 400));
  assert.doesNotMatch(ui.lastFrame() ?? '', /p-z-1/);
});
