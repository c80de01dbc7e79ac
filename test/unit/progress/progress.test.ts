import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { plainRenderer } from '../../../src/progress/plain.js';
import { jsonRenderer } from '../../../src/progress/json.js';
import { progressMode } from '../../../src/progress/choose.js';
import { renderFrame, type Task } from '../../../src/progress/tty-frame.js';
import { humanSize } from '../../../src/progress/human-size.js';
import { done, working } from '../../../src/progress/events.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let s = '';
  out.on('data', (d) => (s += d));
  return { out, text: () => s };
}

test('plain prints one line per top-level event and folds child layers', () => {
  const c = capture();
  const r = plainRenderer(c.out);
  r.event(working('Container demo-web-1', 'Creating'));
  r.event({ id: 'abc', parentId: 'Image busybox', status: 'Working', text: 'Downloading', current: 1, total: 2 });
  r.event(done('Container demo-web-1', 'Created'));
  assert.equal(c.text(), ' Container demo-web-1 Creating\n Container demo-web-1 Created\n');
});

test('json prints docker compose field names, one object per line', () => {
  const c = capture();
  const r = jsonRenderer(c.out, { dryRun: true });
  r.event({ id: 'l1', parentId: 'Image redis', status: 'Working', text: 'Downloading', current: 5, total: 10, percent: 50 });
  assert.deepEqual(JSON.parse(c.text()), { id: 'l1', parent_id: 'Image redis', status: 'Working', text: 'Downloading', current: 5, total: 10, percent: 50, 'dry-run': true });
});

test('auto picks tty only when stderr is a terminal; --ansi never forces plain', () => {
  assert.equal(progressMode('auto', 'auto', true), 'tty');
  assert.equal(progressMode('auto', 'auto', false), 'plain');
  assert.equal(progressMode('auto', 'never', true), 'plain');
  assert.equal(progressMode('tty', 'never', true), 'plain');
  assert.equal(progressMode('none', 'auto', true), 'quiet');
  assert.throws(() => progressMode('plain', 'always', true), /--ansi always/);
});

test('tty frame at a fixed width: header, aligned columns, timers, layer bar', () => {
  const t0 = 1_000_000;
  const tasks: Task[] = [
    { event: done('Network demo_default', 'Created'), startedMs: t0, endedMs: t0 + 100, children: new Map() },
    { event: working('Container demo-web-1', 'Starting'), startedMs: t0, children: new Map() },
    {
      event: working('Image redis', 'Pulling'), startedMs: t0, children: new Map([
        ['a', { id: 'a', parentId: 'Image redis', status: 'Done', text: 'Pull complete', current: 1000, total: 1000 }],
        ['b', { id: 'b', parentId: 'Image redis', status: 'Working', text: 'Downloading', current: 500_000, total: 1_000_000 }],
      ]),
    },
  ];
  const frame = renderFrame(tasks, { operation: 'Running', nowMs: t0 + 400, width: 60, rows: 24, color: false });
  assert.deepEqual(frame, [
    '[+] Running 1/3',
    ' ✔ Network demo_default             Created            0.1s',
    ' ⠼ Container demo-web-1             Starting           0.4s',
    ' ⠼ Image redis [⣿⣤] 501kB / 1.001MB Pulling            0.4s',
  ]);
  // one column is left free so a full line never wraps
  for (const l of frame.slice(1)) assert.equal([...l].length, 59);
});

test('tty frame shows "... N more" when tasks overflow the terminal', () => {
  const tasks: Task[] = Array.from({ length: 10 }, (_, i) => ({ event: done(`Container c-${i}`, 'Created'), startedMs: 0, endedMs: 0, children: new Map() }));
  const frame = renderFrame(tasks, { operation: 'Running', nowMs: 0, width: 40, rows: 6, color: false });
  assert.equal(frame.length, 5);
  assert.equal(frame[4], ' ... 7 more');
});

test('sizes print as go-units HumanSize', () => {
  assert.equal(humanSize(48_250_000), '48.25MB');
  assert.equal(humanSize(151_000_000), '151MB');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1_001_000), '1.001MB');
});
