import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Project, ServiceConfig } from '../../../src/compose/types.js';
import { mapPath, NONE_CONFIGURED, planWatchRules, type RuleInputs } from '../../../src/watch/rules.js';

const project = (services: Record<string, Partial<ServiceConfig>>): Project =>
  ({ name: 'demo', workingDir: '/p', services: Object.fromEntries(Object.entries(services).map(([n, s]) => [n, { name: n, ...s }])) }) as unknown as Project;
const inputs: RuleInputs = { dockerignore: () => [] };

test('rules: each develop.watch entry becomes a rule of its service', () => {
  const p = project({
    web: { develop: { watch: [{ path: '/p/site', target: '/www', action: 'sync', ignore: ['*.tmp'] }, { path: '/p/conf', action: 'restart' }] } },
    db: {},
  });
  const { rules, warnings } = planWatchRules(p, [], inputs);
  assert.deepEqual(rules.map((r) => `${r.service} ${r.action} ${r.path} ${r.target ?? '-'}`), ['web sync /p/site /www', 'web restart /p/conf -']);
  assert.deepEqual(warnings, []);
});

test('rules: none configured is docker compose\'s error, also when the selected service has none', () => {
  const p = project({ web: { develop: { watch: [{ path: '/p/site', target: '/www', action: 'sync' }] } }, db: {} });
  assert.throws(() => planWatchRules(p, ['db'], inputs), { message: NONE_CONFIGURED });
  assert.throws(() => planWatchRules(project({ db: {} }), [], inputs), { message: NONE_CONFIGURED });
  assert.throws(() => planWatchRules(p, ['nosuch'], inputs), { message: 'no such service: nosuch' });
});

test('rules: rebuild needs build:', () => {
  const noBuild = project({ web: { develop: { watch: [{ path: '/p/src', action: 'rebuild' }] } } });
  assert.throws(() => planWatchRules(noBuild, [], inputs), { message: 'can\'t watch service "web" with action rebuild without a build context' });
  const withBuild = project({ web: { build: { context: '/p' }, develop: { watch: [{ path: '/p/src', action: 'rebuild' }] } } });
  assert.equal(planWatchRules(withBuild, [], inputs).rules[0]!.action, 'rebuild');
});

test('rules: bad entries are refused naming the service and entry', () => {
  const bad = (entry: Record<string, unknown>) => () => planWatchRules(project({ web: { develop: { watch: [entry] } } }), [], inputs);
  assert.throws(bad({ path: '/p/a', action: 'sync' }), /service "web": develop.watch\[0\]: action sync needs a target/);
  assert.throws(bad({ path: '/p/a', action: 'teleport' }), /unknown action "teleport"/);
  assert.throws(bad({ path: '/p/a', target: 'rel', action: 'sync' }), /target "rel" must be an absolute path/);
  assert.throws(bad({ path: '/p/a', target: '/x', action: 'sync+exec' }), /can't watch with action "sync\+exec" on service web without a command/);
  assert.throws(bad({ path: '/p/a', target: '/x', action: 'sync', ignore: [1] }), /develop.watch\[0\].ignore: want a string or a list of strings/);
});

test('rules: sync+exec command string is split into words; environment as KEY=VALUE', () => {
  const p = project({ web: { develop: { watch: [{ path: '/p/a', target: '/x', action: 'sync+exec', exec: { command: 'sh -c "echo hi there"', environment: { A: '1', B: null }, user: 'nobody', working_dir: '/x' } }] } } });
  const exec = planWatchRules(p, [], inputs).rules[0]!.exec!;
  assert.deepEqual(exec, { command: ['sh', '-c', 'echo hi there'], env: ['A=1'], user: 'nobody', workingDir: '/x' });
});

test('rules: a sync path under a bind mount is not watched, with docker compose\'s warning', () => {
  const p = project({
    web: {
      volumes: [{ type: 'bind', source: '/p', target: '/app' }],
      develop: { watch: [{ path: '/p/site', target: '/www', action: 'sync' }, { path: '/p/conf', action: 'restart' }] },
    },
  });
  const { rules, warnings } = planWatchRules(p, [], inputs);
  assert.deepEqual(rules.map((r) => r.action), ['restart']);
  assert.deepEqual(warnings, ["path '/p/site' also declared by a bind mount volume, this path won't be monitored!"]);
});

test('mapPath: host path to target; ignore, include, .dockerignore, temporaries and .git', () => {
  const p = project({
    web: {
      build: { context: '/p' },
      develop: { watch: [{ path: '/p/site', target: '/www', action: 'sync', ignore: ['*.tmp'] }, { path: '/p/src', target: '/app', action: 'sync', include: ['*.js'] }] },
    },
  });
  const [site, src] = planWatchRules(p, [], { dockerignore: () => ['site/private'] }).rules;
  assert.deepEqual(mapPath(site!, '/p/site/css/a.css'), { hostPath: '/p/site/css/a.css', containerPath: '/www/css/a.css' });
  assert.deepEqual(mapPath(site!, '/p/site'), { hostPath: '/p/site', containerPath: '/www' });
  assert.equal(mapPath(site!, '/p/site/a.tmp'), undefined, 'the rule\'s ignore');
  assert.equal(mapPath(site!, '/p/site/private/key'), undefined, 'the build context\'s .dockerignore');
  assert.equal(mapPath(site!, '/p/site/.index.html.swp'), undefined, 'an editor temporary');
  assert.equal(mapPath(site!, '/p/site/.git/HEAD'), undefined, '.git');
  assert.equal(mapPath(site!, '/p/sitemap.xml'), undefined, 'a sibling with the same prefix is outside');
  assert.deepEqual(mapPath(src!, '/p/src/main.js')?.containerPath, '/app/main.js');
  assert.equal(mapPath(src!, '/p/src/readme.md'), undefined, 'not included');
});
