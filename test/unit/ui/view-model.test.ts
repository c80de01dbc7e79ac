import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSummary } from '../../../runtime/index.js';
import { cleanLine, followSelection, planLayout, planLogPane, planRows, renderTable } from '../../../src/ui/view-model.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
function summary(name: string, service: string, status: ContainerSummary['status'], extra: Record<string, string> = {}, state: Partial<NonNullable<ContainerSummary['state']>> = {}): ContainerSummary {
  return {
    id: `id-${name}`, name, status, createdAt: '2026-01-01T00:00:00Z',
    labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': service, 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False', ...extra },
    state: { startedAt: '2026-01-01T00:59:30Z', restartCount: 2, exitCode: null, health: null, ...state } as NonNullable<ContainerSummary['state']>,
  };
}

test('planRows: service containers only, ordered by service, with state, restarts, ports and uptime', () => {
  const all = [
    summary('p-web-1', 'web', 'running', {}, { health: { status: 'healthy' } as never }),
    summary('p-db-1', 'db', 'exited', {}, { exitCode: 3 }),
    summary('p-web-run-1', 'web', 'running', { 'com.docker.compose.oneoff': 'True' }),
    summary('p-web-hook', 'web', 'exited', { 'com.docker.compose.hook': 'pre_start' }),
    { ...summary('other-web-1', 'web', 'running'), labels: { 'com.docker.compose.project': 'other', 'com.docker.compose.service': 'web' } },
  ];
  const ports = (id: string) => (id === 'id-p-web-1' ? [{ hostIp: '', published: 8080, target: 80, protocol: 'tcp' } as never] : []);
  const rows = planRows(all, { project: 'p', services: [] }, ports, NOW);
  assert.deepEqual(rows.map((r) => [r.name, r.service, r.state, r.restarts, r.ports, r.uptime]), [
    ['p-db-1', 'db', 'exited (3)', 2, '', ''],
    ['p-web-1', 'web', 'running (healthy)', 2, '8080->80/tcp', '30s'],
  ]);
  assert.deepEqual(planRows(all, { project: 'p', services: ['web'] }, ports, NOW).map((r) => r.name), ['p-web-1']);
  const table = renderTable(rows, 200);
  assert.match(table[0]!, /^NAME\s+SERVICE\s+STATE\s+RESTARTS\s+PORTS\s+UP$/);
  assert.match(table[2]!, /^p-web-1\s+web\s+running \(healthy\)\s+2\s+8080->80\/tcp\s+30s$/);
});

test('followSelection keeps the same container, else the nearest index', () => {
  const r = (id: string) => ({ id }) as never;
  assert.equal(followSelection([r('a'), r('b'), r('c')], [r('b'), r('c')], 1), 0);
  assert.equal(followSelection([r('a'), r('b')], [r('x')], 1), 0);
  assert.equal(followSelection([], [r('x'), r('y')], 1), 1);
  assert.equal(followSelection([r('a')], [], 0), 0);
});

test('planLayout: frame height never above rows-1, selection visible', () => {
  for (const termRows of [6, 10, 24, 50]) {
    for (const count of [0, 1, 3, 40]) {
      for (const sel of [0, Math.max(0, count - 1)]) {
        const l = planLayout(termRows, count, sel);
        const height = 5 + l.tableRows + (l.placeholder ? 1 : 0) + l.logLines;
        assert.ok(height <= termRows - 1, `rows=${termRows} count=${count}: ${height}`);
        if (count > 0 && l.tableRows > 0) assert.ok(sel >= l.tableOffset && sel < l.tableOffset + l.tableRows, `selection ${sel} visible`);
      }
    }
  }
  assert.deepEqual(planLayout(24, 2, 0), { tableRows: 2, tableOffset: 0, logLines: 16, placeholder: false });
  assert.deepEqual(planLayout(24, 0, 0), { tableRows: 0, tableOffset: 0, logLines: 17, placeholder: true });
});

test('planLogPane: the last lines, cleaned and cut to the width', () => {
  assert.deepEqual(planLogPane(['a\n', 'b\n', '\x1b[31mred\x1b[0m\tx\n'], 2, 80), ['b', 'red    x']);
  assert.deepEqual(planLogPane(['a'.repeat(20)], 5, 10), [`${'a'.repeat(9)}…`]);
  assert.deepEqual(planLogPane(['a'], 0, 10), []);
  assert.equal(cleanLine('x\r\n'), 'x');
});
