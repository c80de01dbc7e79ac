import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Project, ServiceConfig } from '../../../src/compose/types.js';
import { planBatch, planSyncSteps, quoteList, rebuildMessage, restartedMessage, syncMessage } from '../../../src/watch/batch.js';
import { planWatchRules } from '../../../src/watch/rules.js';

const project = (services: Record<string, Partial<ServiceConfig>>): Project =>
  ({ name: 'demo', workingDir: '/p', services: Object.fromEntries(Object.entries(services).map(([n, s]) => [n, { name: n, ...s }])) }) as unknown as Project;

const { rules } = planWatchRules(project({
  web: {
    develop: {
      watch: [
        { path: '/p/site', target: '/www', action: 'sync', ignore: ['*.tmp'] },
        { path: '/p/conf', action: 'restart' },
        { path: '/p/lib', target: '/lib', action: 'sync+exec', exec: { command: ['reload'] } },
      ],
    },
  },
  api: { develop: { watch: [{ path: '/p/api', target: '/srv', action: 'sync+restart' }] } },
}), [], { dockerignore: () => [] });

test('batch: 200 files written at once are one sync of 200 mappings for the service', () => {
  const paths = Array.from({ length: 200 }, (_, i) => `/p/site/f${i}.html`);
  const plan = planBatch([...paths, ...paths], rules);
  assert.deepEqual([...plan.sync.keys()], ['web']);
  assert.equal(plan.sync.get('web')!.length, 200, 'each path once, even when reported twice');
  assert.deepEqual(plan.sync.get('web')![7], { hostPath: '/p/site/f7.html', containerPath: '/www/f7.html' });
  assert.deepEqual(plan.restart, []);
});

test('batch: actions by rule; ignored files ask for nothing', () => {
  const plan = planBatch(['/p/site/a.tmp', '/p/conf/nginx.conf', '/p/lib/x.js', '/p/lib/y.js', '/p/api/main.go', '/p/README.md'], rules);
  assert.deepEqual([...plan.sync.entries()].map(([s, m]) => `${s}:${m.map((x) => x.containerPath).join(',')}`), ['web:/lib/x.js,/lib/y.js', 'api:/srv/main.go']);
  assert.deepEqual(plan.restart, ['api', 'web']);
  assert.deepEqual([...plan.exec.entries()], [['web', [rules.findIndex((r) => r.action === 'sync+exec')]]], 'the exec rule runs once for two files');
  assert.deepEqual(plan.rebuild, []);
  const nothing = planBatch(['/p/site/a.tmp', '/p/README.md'], rules);
  assert.equal(nothing.sync.size + nothing.restart.length + nothing.exec.size, 0);
});

test('sync steps: removed, made and copied as the host has them', () => {
  const kinds: Record<string, 'file' | 'dir' | 'missing'> = { '/h/gone.txt': 'missing', '/h/new': 'dir', '/h/new/a/b.txt': 'file', '/h/index.html': 'file' };
  const steps = planSyncSteps([
    { hostPath: '/h/gone.txt', containerPath: '/www/gone.txt' },
    { hostPath: '/h/new', containerPath: '/www/new' },
    { hostPath: '/h/new/a/b.txt', containerPath: '/www/new/a/b.txt' },
    { hostPath: '/h/index.html', containerPath: '/www/index.html' },
  ], (p) => kinds[p]!);
  assert.deepEqual(steps.remove, ['/www/gone.txt']);
  assert.deepEqual(steps.mkdir, ['/www/new/a'], 'parents made by mkdir -p of a deeper one are not named again');
  assert.deepEqual(steps.copy.map((m) => m.containerPath), ['/www/new/a/b.txt', '/www/index.html']);
});

test('messages: docker compose\'s words, service lists as Go prints them', () => {
  assert.equal(syncMessage('web', 3), 'Syncing service "web" after 3 changes were detected');
  assert.equal(restartedMessage(['api', 'web']), 'service(s) ["api" "web"] restarted');
  assert.equal(rebuildMessage(['web']), 'Rebuilding service(s) ["web"] after changes were detected...');
  assert.equal(quoteList([]), '[]');
});

test('batch: a rebuild rule asks for the service\'s rebuild once, whatever else changed', () => {
  const withBuild = planWatchRules(project({
    app: { build: { context: '/p/app' }, develop: { watch: [{ path: '/p/app/src', target: '/src', action: 'sync' }, { path: '/p/app/package.json', action: 'rebuild' }] } },
  }), [], { dockerignore: () => [] }).rules;
  const plan = planBatch(['/p/app/package.json', '/p/app/package.json', '/p/app/src/a.js'], withBuild);
  assert.deepEqual(plan.rebuild, ['app']);
  assert.deepEqual(plan.sync.get('app')!.map((m) => m.containerPath), ['/src/a.js']);
  assert.deepEqual(planBatch(['/p/app/package-lock.json'], withBuild).rebuild, [], 'a sibling file is not the watched file');
});
