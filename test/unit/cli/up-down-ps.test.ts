import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSummary, ShimState } from '../../../runtime/index.js';
import { checkUpFlags, parseScale } from '../../../src/cli/commands/up.js';
import { parseTimeout } from '../../../src/cli/commands/down.js';
import { formatPorts, humanDuration, psRow, renderPsTable } from '../../../src/cli/commands/ps.js';

test('up flags: --scale parsing and the combinations refused', () => {
  assert.deepEqual(parseScale(['web=3', 'db=0']), { web: 3, db: 0 });
  assert.deepEqual(parseScale(undefined), {});
  assert.throws(() => parseScale(['web']), /invalid --scale "web": want SERVICE=NUM/);
  assert.throws(() => parseScale(['web=-1']), /invalid --scale/);
  assert.throws(() => checkUpFlags({ detach: true, forceRecreate: true, recreate: false }), /--force-recreate and --no-recreate are incompatible/);
  assert.throws(() => checkUpFlags({ detach: true, alwaysRecreateDeps: true, recreate: false }), /--always-recreate-deps and --no-recreate are incompatible/);
  assert.deepEqual(checkUpFlags({}), { detach: false, onExit: 'ignore' }, 'attached mode by default');
  assert.throws(() => checkUpFlags({ detach: true, abortOnContainerExit: true }), (e: Error & { exitCode?: number }) => /--detach cannot be combined with --abort-on-container-exit/.test(e.message) && e.exitCode === 1);
  assert.deepEqual(checkUpFlags({ exitCodeFrom: 'job' }), { detach: false, onExit: 'stop' }, '--exit-code-from implies --abort-on-container-exit');
  assert.doesNotThrow(() => checkUpFlags({ detach: true }));
  assert.throws(() => checkUpFlags({ detach: true, waitTimeout: '1m' }), /invalid --wait-timeout "1m"/);
  assert.doesNotThrow(() => checkUpFlags({ wait: true, waitTimeout: '30' }));
  assert.doesNotThrow(() => checkUpFlags({ wait: true }), '--wait implies detached mode');
});

test('down -t takes whole seconds', () => {
  assert.equal(parseTimeout(undefined), undefined);
  assert.equal(parseTimeout('0'), 0);
  assert.equal(parseTimeout('3'), 3000);
  assert.throws(() => parseTimeout('soon'), /invalid -t\/--timeout "soon"/);
});

test('ps: docker\'s human durations and port form', () => {
  assert.equal(humanDuration(300), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(42_000), '42 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(3600_000), 'About an hour');
  assert.equal(humanDuration(5 * 3600_000), '5 hours');
  assert.equal(humanDuration(3 * 86400_000), '3 days');
  assert.equal(formatPorts([{ protocol: 'tcp', target: 80, published: 8080, hostIp: '' }, { protocol: 'udp', target: 53, published: 5353, hostIp: '127.0.0.1' }]), '0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp');
});

const state = (over: Partial<ShimState>): ShimState => ({
  id: 'x', status: 'running', pid: 1, pidStartTime: 1, shimPid: 2, shimStartTime: 1, exitCode: null, signal: null, oomKilled: false,
  startedAt: '2026-01-01T00:00:10Z', finishedAt: null, restartCount: 0, stopRequested: false, error: null, health: null, ...over,
});
const summary = (name: string, status: ContainerSummary['status'], st: ShimState | null): ContainerSummary => ({
  id: `${name}-id`, name, status, state: st, createdAt: '2026-01-01T00:00:00Z',
  labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': name.split('-')[1]! },
});
const facts = { image: 'busybox', command: 'httpd -f -p 8080 -h /www', networks: ['demo_default'], ports: [{ protocol: 'tcp' as const, target: 8080, published: 8081, hostIp: '127.0.0.1' }], mounts: [] };

test('ps rows: status texts and JSON fields as docker compose prints them', () => {
  const now = Date.parse('2026-01-01T00:01:10Z');
  const up = psRow(summary('demo-web-1', 'running', state({ health: { status: 'healthy', failingStreak: 0, log: [] } })), facts, now);
  assert.equal(up.Status, 'Up About a minute (healthy)');
  assert.equal(up.State, 'running');
  assert.equal(up.Service, 'web');
  assert.equal(up.Project, 'demo');
  assert.equal(up.RunningFor, 'About a minute ago');
  assert.equal(up.Ports, '127.0.0.1:8081->8080/tcp');
  assert.deepEqual(up.Publishers, [{ URL: '127.0.0.1', TargetPort: 8080, PublishedPort: 8081, Protocol: 'tcp' }]);
  assert.equal(up.Created, Date.parse('2026-01-01T00:00:00Z') / 1000);
  const exited = psRow(summary('demo-job-1', 'exited', state({ status: 'exited', exitCode: 3, finishedAt: '2026-01-01T00:01:00Z' })), facts, now);
  assert.equal(exited.Status, 'Exited (3) 10 seconds ago');
  assert.equal(exited.ExitCode, 3);
  assert.equal(psRow(summary('demo-new-1', 'created', null), facts, now).Status, 'Created');

  const table = renderPsTable([up, exited]).split('\n');
  assert.equal(table[0], 'NAME         IMAGE     COMMAND                  SERVICE   CREATED              STATUS                        PORTS');
  assert.equal(table[1], 'demo-web-1   busybox   "httpd -f -p 8080 -h…"   web       About a minute ago   Up About a minute (healthy)   127.0.0.1:8081->8080/tcp');
  assert.equal(table[2]!.trimEnd(), 'demo-job-1   busybox   "httpd -f -p 8080 -h…"   job       About a minute ago   Exited (3) 10 seconds ago     127.0.0.1:8081->8080/tcp');
});
