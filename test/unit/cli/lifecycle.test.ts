/** The pure parts of the lifecycle and inspection commands: flag checks, lookups, formats, event diffing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSummary, ShimState, StatsSample } from '../../../runtime/index.js';
import { createAsUpOptions } from '../../../src/cli/commands/create.js';
import { diffSnapshots, formatEventJson, formatEventText, snapshotOf, type Snapshot } from '../../../src/cli/commands/events.js';
import { normalizeSignal } from '../../../src/cli/commands/kill.js';
import { parseStopTimeout, projectFromLabels } from '../../../src/cli/commands/lifecycle-run.js';
import { planStop } from '../../../src/reconcile/plan-lifecycle.js';
import { renderPlan } from '../../../src/reconcile/plan-model.js';
import { replica, threeTier, upToDate } from '../reconcile/fixtures.js';
import { collectStacks, combinedStatus, parseLsFilters, renderStacks } from '../../../src/cli/commands/ls.js';
import { lookupPort, pickReplica } from '../../../src/cli/commands/port.js';
import { isYes, removalNames } from '../../../src/cli/commands/rm.js';
import { bytesSize, humanSize3, renderStats, statsRow } from '../../../src/cli/commands/stats.js';
import { formatCpuTime, formatStime, parsePasswd, renderTop, topCells } from '../../../src/cli/commands/top.js';
import { exitLine } from '../../../src/cli/commands/wait.js';
import { L } from '../../../src/reconcile/labels.js';

function container(name: string, status: ContainerSummary['status'], labels: Record<string, string> = {}, state: Partial<ShimState> = {}): ContainerSummary {
  const [project, service, n] = name.split('-');
  return {
    id: `${name.replace(/-/g, '')}`.padEnd(64, '0'), name, status, createdAt: '2026-01-01T00:00:00.000Z',
    labels: { [L.project]: project!, [L.service]: service!, [L.number]: n!, [L.oneoff]: 'False', [L.configFiles]: `/srv/${project}/compose.yaml`, [L.image]: 'sha256:abc', ...labels },
    state: { startedAt: '2026-01-01T00:00:01.000Z', exitCode: null, stopRequested: false, ...state } as ShimState,
  };
}

test('flags: stop timeouts, kill signals, create as up --no-start', () => {
  assert.equal(parseStopTimeout(undefined), undefined);
  assert.equal(parseStopTimeout('1'), 1000);
  assert.throws(() => parseStopTimeout('1s'), /invalid -t\/--timeout "1s"/);
  assert.equal(normalizeSignal(undefined), 'SIGKILL');
  assert.equal(normalizeSignal('term'), 'SIGTERM');
  assert.equal(normalizeSignal('SIGHUP'), 'SIGHUP');
  assert.equal(normalizeSignal('15'), '15');
  assert.throws(() => normalizeSignal('SIGNOPE'), /invalid signal "SIGNOPE"/);
  assert.deepEqual(createAsUpOptions({ forceRecreate: true, pull: 'never' }), { forceRecreate: true, detach: true, start: false });
  assert.throws(() => createAsUpOptions({ pull: 'sometimes' }), /invalid --pull "sometimes"/);
  assert.throws(() => createAsUpOptions({ forceRecreate: true, recreate: false }), /incompatible/);
});

test('rm: the names it asks about and what counts as yes', () => {
  const plan = { warnings: [], steps: [
    { id: 1, op: 'stop-container' as const, resource: 'Container p-web-1', reason: 'rm', dependsOn: [] },
    { id: 2, op: 'remove-container' as const, resource: 'Container p-web-1', reason: 'rm', dependsOn: [1] },
    { id: 3, op: 'remove-container' as const, resource: 'Container p-db-1', reason: 'rm', dependsOn: [] },
  ] };
  assert.deepEqual(removalNames(plan), ['p-web-1', 'p-db-1']);
  assert.equal(isYes('y'), true);
  assert.equal(isYes('YES '), true);
  assert.equal(isYes(''), false);
  assert.equal(isYes('n'), false);
  assert.equal(isYes('yep'), false);
});

test('port: replica by --index and the published address', () => {
  const cs = [container('p-web-2', 'running'), container('p-web-1', 'running'), container('p-db-1', 'running'), container('p-web-3', 'running', { [L.oneoff]: 'True' })];
  assert.equal(pickReplica(cs, 'web', 0)?.name, 'p-web-1');
  assert.equal(pickReplica(cs, 'web', 2)?.name, 'p-web-2');
  assert.equal(pickReplica(cs, 'web', 3), undefined, 'one-off containers are not replicas');
  assert.equal(pickReplica(cs, 'cache', 0), undefined);
  const ports = [{ protocol: 'tcp' as const, target: 80, published: 32768, hostIp: '' }, { protocol: 'udp' as const, target: 53, published: 5353, hostIp: '127.0.0.1' }];
  assert.equal(lookupPort('p-web-1', ports, 80, 'tcp'), '0.0.0.0:32768');
  assert.equal(lookupPort('p-web-1', ports, 53, 'udp'), '127.0.0.1:5353');
  assert.throws(() => lookupPort('p-web-1', ports, 53, 'tcp'), (e: Error) => e.message === "no port 53/tcp for container p-web-1: 80/tcp, 53/udp");
});

test('ls: projects from labels, combined status, name filters, table and JSON', () => {
  assert.equal(combinedStatus(['running', 'exited', 'running']), 'exited(1), running(2)');
  assert.equal(combinedStatus([]), '');
  const stacks = collectStacks([
    container('b-web-1', 'running'), container('a-web-1', 'running'), container('b-db-1', 'exited'),
    container('a-db-1', 'paused', { [L.configFiles]: '/srv/a/compose.yaml,/srv/a/override.yaml' }),
    { ...container('x-y-1', 'running'), labels: {} },
  ]);
  assert.deepEqual(stacks, [
    { Name: 'a', Status: 'paused(1), running(1)', ConfigFiles: '/srv/a/compose.yaml,/srv/a/override.yaml' },
    { Name: 'b', Status: 'exited(1), running(1)', ConfigFiles: '/srv/b/compose.yaml' },
  ]);
  assert.equal(renderStacks(stacks, 'json'), '[{"Name":"a","Status":"paused(1), running(1)","ConfigFiles":"/srv/a/compose.yaml,/srv/a/override.yaml"},{"Name":"b","Status":"exited(1), running(1)","ConfigFiles":"/srv/b/compose.yaml"}]\n');
  assert.equal(renderStacks([], 'json'), '[]\n');
  assert.equal(renderStacks(stacks, 'table'), [
    'NAME                STATUS                  CONFIG FILES',
    'a                   paused(1), running(1)   /srv/a/compose.yaml,/srv/a/override.yaml',
    'b                   exited(1), running(1)   /srv/b/compose.yaml',
    '',
  ].join('\n'));
  const [re] = parseLsFilters(['name=^b$']);
  assert.deepEqual(stacks.filter((s) => re!.test(s.Name)).map((s) => s.Name), ['b']);
  assert.throws(() => parseLsFilters(['status=running']), /invalid filter 'status=running'/);
});

test('top: ps columns from /proc facts', () => {
  const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\n');
  assert.equal(users.get(0), 'root');
  assert.equal(formatCpuTime(0), '00:00:00');
  assert.equal(formatCpuTime(100 * 3723), '01:02:03');
  assert.equal(formatCpuTime(100 * (86400 + 5)), '1-00:00:05');
  const now = new Date(2026, 10, 22, 14, 30).getTime();
  assert.equal(formatStime(new Date(2026, 10, 22, 9, 5).getTime(), now), '09:05');
  assert.equal(formatStime(new Date(2026, 2, 3, 9, 5).getTime(), now), 'Mar03');
  assert.equal(formatStime(new Date(2024, 2, 3).getTime(), now), '2024');
  const boot = Math.floor(new Date(2026, 10, 22, 14, 0).getTime() / 1000);
  // started 20 minutes after boot, 10 minutes ago, used 60 s of cpu: 10 %
  const cells = topCells({ uid: 0, pid: 4242, ppid: 4200, state: 'S', rssKb: 100, cpuTicks: 6000, startTicks: 100 * 1200, cmd: 'httpd -f -p 80' }, users, boot, now);
  assert.deepEqual(cells, ['root', '4242', '4200', '10', '14:20', '?', '00:01:00', 'httpd -f -p 80']);
  assert.equal(topCells({ uid: 1234, pid: 1, ppid: 0, state: 'S', rssKb: 0, cpuTicks: 0, cmd: 'sh' }, users, boot, now)[0], '1234');
  assert.equal(renderTop([{ name: 'p-web-1', rows: [cells] }]), [
    'p-web-1',
    'UID    PID    PPID   C    STIME   TTY   TIME       CMD',
    'root   4242   4200   10   14:20   ?     00:01:00   httpd -f -p 80',
    '',
    '',
  ].join('\n'));
});

test('stats: docker units, cpu between two samples, table and JSON', () => {
  assert.equal(bytesSize(1536), '1.5KiB');
  assert.equal(bytesSize(1024 * 1024 * 1.4648), '1.465MiB');
  assert.equal(humanSize3(1050), '1.05kB');
  assert.equal(humanSize3(0), '0B');
  const s = (cpuNs: number): StatsSample => ({ read: '', cpuNs, memoryBytes: 2 * 1024 * 1024, memoryLimit: 0, pids: 3, net: { eth0: { rxBytes: 1500, txBytes: 648, rxPackets: 1, txPackets: 1 } }, blkio: { readBytes: 4096, writeBytes: 0 } });
  const row = statsRow({ id: 'a'.repeat(64), name: 'p-web-1' }, s(0), s(250e6), 500, 8 * 1024 ** 3);
  assert.deepEqual(row, { BlockIO: '4.1kB / 0B', CPUPerc: '50.00%', Container: 'a'.repeat(12), ID: 'a'.repeat(12), MemPerc: '0.02%', MemUsage: '2MiB / 8GiB', Name: 'p-web-1', NetIO: '1.5kB / 648B', PIDs: '3' });
  const stopped = statsRow({ id: 'b'.repeat(64), name: 'p-db-1' }, undefined, undefined, 500, 8 * 1024 ** 3);
  assert.equal(stopped.CPUPerc, '0.00%');
  assert.equal(stopped.MemUsage, '0B / 0B');
  const table = renderStats([row], 'table').split('\n');
  assert.equal(table[0], 'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O        BLOCK I/O    PIDS');
  assert.equal(table[1], `${'a'.repeat(12)}   p-web-1   50.00%    2MiB / 8GiB         0.02%     1.5kB / 648B   4.1kB / 0B   3`);
  assert.deepEqual(JSON.parse(renderStats([row], 'json')), row);
});

test('wait: docker compose\'s exit line', () => {
  assert.equal(exitLine('abc', 3), 'container "abc" exited with status code 3\n');
});

test('events: snapshot diffs as docker actions, text and JSON forms', () => {
  const snap = (c: ContainerSummary): [string, Snapshot] => [c.id, snapshotOf(c)];
  const t = new Date(2026, 0, 2, 3, 4, 5, 678);
  const web = container('p-web-1', 'running', { 'com.example.team': 'a' }, { startedAt: 'T1', health: undefined });
  const db = container('p-db-1', 'running');
  const s0 = new Map([snap(web), snap(db)]);
  assert.deepEqual(diffSnapshots(s0, s0, t), [], 'no change, no event');
  assert.equal(snapshotOf(web).attributes['com.docker.compose.project'], undefined, 'compose labels are left out');

  const stopped = new Map([snap({ ...web, status: 'exited', state: { ...web.state!, exitCode: 143, stopRequested: true } }), snap(db)]);
  assert.deepEqual(diffSnapshots(s0, stopped, t).map((e) => `${e.action} ${e.service} ${e.attributes.exitCode ?? ''}`), ['die web 143', 'stop web ']);
  const started = new Map([snap({ ...web, state: { ...web.state!, startedAt: 'T2' } }), snap(db)]);
  assert.deepEqual(diffSnapshots(stopped, started, t).map((e) => e.action), ['start']);
  assert.deepEqual(diffSnapshots(s0, started, t).map((e) => e.action), ['die', 'start'], 'a restart between two polls');
  const paused = new Map([snap({ ...web, status: 'paused' }), snap(db)]);
  assert.deepEqual(diffSnapshots(s0, paused, t).map((e) => e.action), ['pause']);
  assert.deepEqual(diffSnapshots(paused, s0, t).map((e) => e.action), ['unpause']);
  const cache = container('p-cache-1', 'running');
  assert.deepEqual(diffSnapshots(s0, new Map([...s0, snap(cache)]), t).map((e) => `${e.action} ${e.service}`), ['create cache', 'start cache']);
  assert.deepEqual(diffSnapshots(s0, new Map([snap(web)]), t).map((e) => `${e.action} ${e.service}`), ['die db', 'destroy db']);
  const healthy = new Map([snap({ ...web, state: { ...web.state!, health: { status: 'healthy', failingStreak: 0, log: [] } } }), snap(db)]);
  assert.deepEqual(diffSnapshots(s0, healthy, t).map((e) => e.action), ['health_status: healthy']);

  const [ev] = diffSnapshots(s0, paused, t);
  assert.equal(formatEventText(ev!), `2026-01-02 03:04:05.678000 container pause ${web.id} (com.example.team=a, image=sha256:abc, name=p-web-1)`);
  const json = formatEventJson(ev!);
  assert.deepEqual(Object.keys(JSON.parse(json)), ['action', 'attributes', 'id', 'service', 'time', 'type']);
  assert.deepEqual(JSON.parse(json), { action: 'pause', attributes: { 'com.example.team': 'a', image: 'sha256:abc', name: 'p-web-1' }, id: web.id, service: 'web', time: t.toISOString(), type: 'container' });
});

test('-p NAME without a Compose file: the project from its labels keeps the stop order', () => {
  const p = threeTier();
  const observed = upToDate(p);
  // as up labels them: web depends on api, api on db
  observed.containers.find((c) => c.name === 'demo-web-1')!.labels[L.dependsOn] = 'api:service_started:false';
  observed.containers.find((c) => c.name === 'demo-api-1')!.labels[L.dependsOn] = 'db:service_healthy:true,gone:service_started:false';
  observed.containers.push(replica(p, 'api', 1, { name: 'demo-api-run-1' }, { [L.oneoff]: 'True' }), replica(p, 'other', 1, {}, { [L.project]: 'elsewhere' }));
  const fromLabels = projectFromLabels('demo', observed, '/tmp');
  assert.deepEqual(Object.keys(fromLabels.services).sort(), ['api', 'db', 'web']);
  assert.deepEqual(Object.keys(fromLabels.services.api!.depends_on!), ['db'], 'a dependency without containers is dropped');
  assert.equal(renderPlan(planStop(fromLabels, observed)), renderPlan(planStop(p, observed)));
  assert.throws(() => planStop(fromLabels, observed, { services: ['nosuch'] }), /no such service: nosuch/);
});
