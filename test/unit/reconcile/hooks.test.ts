import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProject } from '../../../src/compose/load.js';
import { hookFailure, planHooks } from '../../../src/reconcile/hooks.js';
import { svc } from './fixtures.js';

test('planHooks: each hook becomes one exec with its own user, working dir, privilege and environment', () => {
  const s = svc('web', {
    post_start: [
      { command: ['sh', '-c', 'echo started > /tmp/hook'], user: 'root', working_dir: '/srv', privileged: true, environment: { A: '1', UNSET: null, B: 'x=y' } },
      { command: ['touch', '/tmp/second'] },
    ],
    pre_stop: [{ command: ['sh', '-c', 'echo bye'], user: '1000:1000' }],
  });
  assert.deepEqual(planHooks(s, 'post_start'), [
    { command: ['sh', '-c', 'echo started > /tmp/hook'], env: ['A=1', 'B=x=y'], user: 'root', workingDir: '/srv', privileged: true },
    { command: ['touch', '/tmp/second'], env: [] },
  ]);
  assert.deepEqual(planHooks(s, 'pre_stop'), [{ command: ['sh', '-c', 'echo bye'], env: [], user: '1000:1000' }]);
  assert.deepEqual(planHooks(svc('plain'), 'pre_stop'), []);
});

test('planHooks: hooks from a Compose file (string commands split as a shell does, list environment)', async () => {
  const content = [
    'services:',
    '  app:',
    '    image: busybox',
    '    post_start:',
    '      - command: echo "hello world" > /tmp/x',
    '        environment: [GREETING=hi]',
    '    pre_stop:',
    '      - command: ["sh", "-c", "exit 3"]',
    '        working_dir: /tmp',
  ].join('\n');
  const project = await loadProject({ cwd: '/srv/p', configFiles: [{ path: '/srv/p/compose.yaml', content }], environment: {}, projectName: 'p' });
  const app = project.services.app!;
  assert.deepEqual(planHooks(app, 'post_start'), [{ command: ['echo', 'hello world', '>', '/tmp/x'], env: ['GREETING=hi'] }]);
  assert.deepEqual(planHooks(app, 'pre_stop'), [{ command: ['sh', '-c', 'exit 3'], env: [], workingDir: '/tmp' }]);
});

test('hookFailure: docker compose message names the service and the exit status', () => {
  assert.equal(hookFailure('web', 3), 'web hook exited with status 3');
  assert.equal(hookFailure('db', 127), 'db hook exited with status 127');
});
