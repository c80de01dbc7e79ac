/** Kept pre_start hook containers in ls/stats/events, and events --since/--until (window, replay). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ContainerSummary, ShimState } from '../../../runtime/index.js';
import {
  formatEventJson, isPastUntil, parseEventWindow, planReplay, selectEventContainers, snapshotOf, wantsReplay,
} from '../../../src/cli/commands/events.js';
import { collectStacks } from '../../../src/cli/commands/ls.js';
import { selectStatsContainers } from '../../../src/cli/commands/stats.js';
import { L } from '../../../src/reconcile/labels.js';
import { tscompose } from '../../helpers/cli.js';

function container(name: string, status: ContainerSummary['status'], labels: Record<string, string> = {}, state: Partial<ShimState> = {}, createdAt = '2026-01-01T00:00:00.000Z'): ContainerSummary {
  const [project, service, n] = name.split('-');
  return {
    id: name.replace(/-/g, '').padEnd(64, '0'), name, status, createdAt,
    labels: { [L.project]: project!, [L.service]: service!, [L.number]: n!, [L.oneoff]: 'False', [L.configFiles]: `/srv/${project}/compose.yaml`, ...labels },
    state: { startedAt: '2026-01-01T00:00:01.000Z', finishedAt: null, exitCode: null, stopRequested: false, ...state } as ShimState,
  };
}

/** A kept hook container: project, service, version and hook labels only (pre-start.ts planPreStartSpec). */
function hook(project: string, service: string): ContainerSummary {
  return {
    id: `hook${project}${service}`.padEnd(64, '0'), name: `${project}-${service}-pre_start-0123456789ab`, status: 'exited', createdAt: '2026-01-01T00:00:00.000Z',
    labels: { [L.project]: project, [L.service]: service, [L.hook]: 'pre_start' },
    state: { startedAt: '2026-01-01T00:00:01.000Z', finishedAt: '2026-01-01T00:00:02.000Z', exitCode: 3, stopRequested: false } as ShimState,
  };
}

test('ls -a: a kept pre_start hook container neither counts in its project nor keeps a project listed', () => {
  const stacks = collectStacks([container('a-web-1', 'running'), hook('a', 'web'), hook('gone', 'db')]);
  assert.deepEqual(stacks, [{ Name: 'a', Status: 'running(1)', ConfigFiles: '/srv/a/compose.yaml' }]);
});

test('stats -a: hook containers are left out; SERVICE narrows; rows by name', () => {
  const all = [container('p-web-2', 'running'), hook('p', 'web'), container('p-db-1', 'exited'), container('p-web-1', 'running')];
  assert.deepEqual(selectStatsContainers(all, []).map((c) => c.name), ['p-db-1', 'p-web-1', 'p-web-2']);
  assert.deepEqual(selectStatsContainers(all, ['web']).map((c) => c.name), ['p-web-1', 'p-web-2']);
});

test('events: no hook container and no one-off (docker compose skips oneoff=True); services narrow', () => {
  const oneoff = container('p-web-run', 'running', { [L.oneoff]: 'True' });
  const all = [container('p-web-1', 'running'), hook('p', 'web'), oneoff, container('p-db-1', 'running')];
  assert.deepEqual(selectEventContainers(all, []).map((c) => c.name), ['p-web-1', 'p-db-1']);
  assert.deepEqual(selectEventContainers(all, ['db']).map((c) => c.name), ['p-db-1']);
});

test('events --since/--until: docker\'s time forms, relative ones against now; until before since is refused', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  assert.deepEqual(parseEventWindow(undefined, undefined, now), {});
  assert.equal(wantsReplay({}), false);
  assert.deepEqual(parseEventWindow('10m', undefined, now), { since: Date.parse('2026-03-01T11:50:00Z') });
  assert.deepEqual(parseEventWindow('2026-03-01T10:00:00Z', '1772366400', now), { since: Date.parse('2026-03-01T10:00:00Z'), until: 1772366400_000 });
  assert.equal(wantsReplay({ until: 5 }), true, '--until alone replays too (the daemon replays its buffer up to it)');
  assert.throws(() => parseEventWindow('1h', '2h', now), /--since time \(1h\) cannot be after --until time \(2h\)/);
  assert.throws(() => parseEventWindow('yesterday', undefined, now), /invalid value "yesterday" for --since/);
  assert.equal(isPastUntil({ until: 1000 }, 1001), true);
  assert.equal(isPastUntil({ until: 1000 }, 1000), false);
  assert.equal(isPastUntil({}, Number.MAX_SAFE_INTEGER), false);
});

test('events replay: create, last start and last exit from the state, inside the window, oldest first', () => {
  const db = container('p-db-1', 'running', {}, { startedAt: '2026-01-01T00:00:05.000Z' }, '2026-01-01T00:00:04.000Z');
  const web = container('p-web-1', 'exited', { 'com.example.team': 'a' }, {
    startedAt: '2026-01-01T00:00:02.000Z', finishedAt: '2026-01-01T00:00:07.000Z', exitCode: 143, stopRequested: true,
  }, '2026-01-01T00:00:01.000Z');
  const made = container('p-cache-1', 'created', {}, { startedAt: '' }, '2026-01-01T00:00:03.000Z');
  const snaps = [snapshotOf(web), snapshotOf(db), snapshotOf(made)];
  const line = (e: { action: string; service: string; time: Date; attributes: Record<string, string> }) => `${e.time.toISOString().slice(17, 19)} ${e.action} ${e.service}${e.attributes.exitCode ? ` ${e.attributes.exitCode}` : ''}`;
  assert.deepEqual(planReplay(snaps, { since: 0 }).map(line), [
    '01 create web', '02 start web', '03 create cache', '04 create db', '05 start db', '07 die web 143', '07 stop web',
  ]);
  const window = { since: Date.parse('2026-01-01T00:00:03.000Z'), until: Date.parse('2026-01-01T00:00:05.000Z') };
  assert.deepEqual(planReplay(snaps, window).map(line), ['03 create cache', '04 create db', '05 start db'], 'both bounds are inclusive');
  assert.deepEqual(planReplay(snaps, { until: Date.parse('2026-01-01T00:00:02.000Z') }).map(line), ['01 create web', '02 start web']);
  const [first] = planReplay([snapshotOf(web)], {});
  assert.equal(JSON.parse(formatEventJson(first!)).attributes['com.example.team'], 'a', 'replayed events carry the attributes of live ones');
  assert.equal(JSON.parse(formatEventJson(first!)).time, '2026-01-01T00:00:01.000Z');
});

test('events CLI: a bad --since or a window ending before it starts exits 1 naming the flag; --until in the past ends at once', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'tscompose-events-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = { TSCOMPOSE_ROOT: root };
  const bad = await tscompose(['-p', 'nothing', 'events', '--since', 'yesterday'], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid value "yesterday" for --since/);
  const reversed = await tscompose(['-p', 'nothing', 'events', '--since', '1h', '--until', '2h'], { env });
  assert.equal(reversed.code, 1);
  assert.match(reversed.stderr, /--since time \(1h\) cannot be after --until time \(2h\)/);
  // no project containers, a window wholly in the past: nothing to show, and no waiting for events
  assert.deepEqual(await tscompose(['-p', 'nothing', 'events', '--json', '--since', '1h', '--until', '1s'], { env }), { code: 0, stdout: '', stderr: '' });
});
