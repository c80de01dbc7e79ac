/** The pure half of run and exec: the one-off service, its name and labels, the terminal decision, exec's target. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSpec } from '../../../runtime/index.js';
import { L } from '../../../src/reconcile/labels.js';
import {
  parseIndex, pickServiceContainer, planEnvOverrides, planLabels, planOneoffName, planOneoffSpec, planRunAwaits,
  planRunDependencies, planRunResources, planRunService, planTty, type RunOverrides,
} from '../../../src/reconcile/plan-run.js';
import { emptyObserved } from '../../../src/reconcile/observed.js';
import { makeProject, svc } from './fixtures.js';

const none: RunOverrides = { command: [], env: [], labels: {}, volumes: [], publish: [], servicePorts: false, capAdd: [], capDrop: [], tty: false, interactive: true };
const noEnv = () => undefined;

test('a one-off keeps the service but drops restart, container_name, replicas and (by default) its ports', () => {
  const web = svc('web', {
    command: ['httpd'], restart: 'always', container_name: 'fixed', scale: 3, deploy: { replicas: 3, restart_policy: { condition: 'any' } },
    ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }], environment: { A: '1' },
  });
  const s = planRunService(web, { ...none, tty: true }, noEnv);
  assert.deepEqual(s.command, ['httpd']);
  assert.equal(s.restart, undefined);
  assert.equal(s.container_name, undefined);
  assert.equal(s.scale, 1);
  assert.equal(s.deploy?.replicas, 1);
  assert.equal(s.deploy?.restart_policy, undefined);
  assert.deepEqual(s.ports, []);
  assert.equal(s.tty, true);
  assert.equal(s.stdin_open, true);
  assert.deepEqual(s.environment, { A: '1' });
  // the project's service is not changed
  assert.equal(web.restart, 'always');
  assert.equal(web.ports?.length, 1);
});

test('--service-ports keeps the ports; -p replaces them', () => {
  const ports = [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }];
  const web = svc('web', { ports });
  assert.deepEqual(planRunService(web, { ...none, servicePorts: true }, noEnv).ports, ports);
  const p = [{ mode: 'ingress', target: 81, protocol: 'tcp' }];
  assert.deepEqual(planRunService(web, { ...none, publish: p }, noEnv).ports, p);
});

test('command, --entrypoint, -u, -w, -v, -l and caps override the service', () => {
  const web = svc('web', { command: ['httpd'], entrypoint: ['/init'], volumes: [{ type: 'volume', source: 'data', target: '/data' }], labels: { team: 'a' }, cap_add: ['NET_ADMIN'], cap_drop: ['MKNOD'] });
  const s = planRunService(web, {
    ...none, command: ['echo', 'hi'], entrypoint: ['sh', '-c'], user: '1000', workdir: '/tmp',
    volumes: [{ type: 'bind', source: '/host', target: '/mnt' }], labels: { team: 'b', extra: 'x' }, capAdd: ['MKNOD'], capDrop: ['NET_ADMIN'],
  }, noEnv);
  assert.deepEqual(s.command, ['echo', 'hi']);
  assert.deepEqual(s.entrypoint, ['sh', '-c']);
  assert.equal(s.user, '1000');
  assert.equal(s.working_dir, '/tmp');
  assert.deepEqual(s.volumes?.map((v) => v.target), ['/data', '/mnt']);
  assert.deepEqual(s.labels, { team: 'b', extra: 'x' });
  assert.deepEqual(s.cap_add, ['MKNOD']);
  assert.deepEqual(s.cap_drop, ['NET_ADMIN']);
});

test('--entrypoint without a command clears the service command (docker compose)', () => {
  const s = planRunService(svc('web', { command: ['httpd'] }), { ...none, entrypoint: ['env'] }, noEnv);
  assert.deepEqual(s.entrypoint, ['env']);
  assert.deepEqual(s.command, []);
});

test('-e sets, -e KEY takes the value from the environment, and is left out when it has none', () => {
  const lookup = (k: string) => ({ FROM_HOST: 'h' } as Record<string, string>)[k];
  assert.deepEqual(planEnvOverrides(['A=1', 'B=x=y', 'FROM_HOST', 'MISSING', 'EMPTY='], lookup), { A: '1', B: 'x=y', FROM_HOST: 'h', EMPTY: '' });
  assert.throws(() => planEnvOverrides(['=v'], lookup), /the name is empty/);
  const s = planRunService(svc('web', { environment: { A: 'old', KEEP: 'k' } }), { ...none, env: ['A=new', 'MISSING'] }, lookup);
  assert.deepEqual(s.environment, { A: 'new', KEEP: 'k' });
});

test('-l wants KEY=VALUE', () => {
  assert.deepEqual(planLabels(['a=1', 'b=', 'c=x=y']), { a: '1', b: '', c: 'x=y' });
  assert.throws(() => planLabels(['novalue']), /label must be set as KEY=VALUE/);
});

test('one-off names: <project>-<service>-run-<12 hex>, or --name', () => {
  const slug = '0123456789abcdef'.repeat(4);
  assert.equal(planOneoffName('demo', 'web', slug), 'demo-web-run-0123456789ab');
  assert.equal(planOneoffName('demo', 'web', slug, 'mine'), 'mine');
});

test('one-off labels: oneoff True and the slug, no container number; the rest kept', () => {
  const spec = { id: 'x', name: 'n', labels: { [L.project]: 'demo', [L.service]: 'web', [L.oneoff]: 'False', [L.number]: '1', team: 'a' } } as unknown as ContainerSpec;
  const out = planOneoffSpec(spec, 'abc');
  assert.deepEqual(out.labels, { [L.project]: 'demo', [L.service]: 'web', [L.oneoff]: 'True', [L.slug]: 'abc', team: 'a' });
  assert.equal(spec.labels[L.number], '1', 'the input is not changed');
});

test('a terminal by default only when stdin and stdout are terminals; -T and -t win', () => {
  const base = { tty: undefined, interactive: true, interactiveExplicit: false, stdinIsTTY: true, stdoutIsTTY: true };
  assert.equal(planTty(base), true);
  assert.equal(planTty({ ...base, stdinIsTTY: false }), false, 'piped stdin: plain streams');
  assert.equal(planTty({ ...base, stdoutIsTTY: false }), false, 'redirected stdout: plain streams');
  assert.equal(planTty({ ...base, tty: false }), false);
  assert.equal(planTty({ ...base, tty: true, stdoutIsTTY: false }), true);
  assert.throws(() => planTty({ ...base, tty: true, stdinIsTTY: false }), /the input device is not a TTY/);
  assert.equal(planTty({ ...base, tty: true, stdinIsTTY: false, interactive: false }), true, '-d: nothing is read');
});

test('exec picks replica 1 first, one-offs last, and --index N only among replicas', () => {
  const c = (name: string, number: string | undefined, oneoff = false) => ({ id: name, name, labels: { [L.service]: 'web', [L.oneoff]: oneoff ? 'True' : 'False', ...(number ? { [L.number]: number } : {}) } });
  const running = [c('demo-web-run-1', undefined, true), c('demo-web-2', '2'), c('demo-web-1', '1'), { ...c('demo-db-1', '1'), labels: { [L.service]: 'db', [L.number]: '1' } }];
  assert.equal(pickServiceContainer(running, 'web', undefined).name, 'demo-web-1');
  assert.equal(pickServiceContainer(running, 'web', 2).name, 'demo-web-2');
  assert.equal(pickServiceContainer([running[0]!], 'web', undefined).name, 'demo-web-run-1', 'a one-off when it is all there is');
  assert.throws(() => pickServiceContainer([running[0]!], 'web', 1), /^UserError: service "web" is not running container #1$/m);
  assert.throws(() => pickServiceContainer(running, 'api', undefined), (e: Error) => e.message === 'service "api" is not running');
});

test('--index: a number; 0 is no index', () => {
  assert.equal(parseIndex(undefined), undefined);
  assert.equal(parseIndex('0'), undefined);
  assert.equal(parseIndex('3'), 3);
  assert.throws(() => parseIndex('x'), /invalid --index "x"/);
});

test('run brings up the dependencies (not with --no-deps) and awaits health and completion, not started', () => {
  const project = makeProject('demo', [
    svc('db'), svc('migrate', { depends_on: { db: { condition: 'service_healthy', required: true } } }),
    svc('web', { depends_on: { migrate: { condition: 'service_completed_successfully', required: true }, db: { condition: 'service_started', required: false } } }),
  ]);
  assert.deepEqual(planRunDependencies(project, 'web', false), ['db', 'migrate']);
  assert.deepEqual(planRunDependencies(project, 'web', true), []);
  assert.deepEqual(planRunAwaits(project, project.services.web!), [{ service: 'migrate', condition: 'service_completed_successfully', required: true }]);
});

test('run creates the missing networks of its service, and refuses a changed one', () => {
  const project = makeProject('demo', [svc('web')]);
  const plan = planRunResources(project, emptyObserved(), 'web');
  assert.deepEqual(plan.steps.map((s) => `${s.op} ${s.resource}`), ['create-network Network demo_default']);
  const observed = { ...emptyObserved(), networks: [{ name: 'demo_default', labels: { [L.configHash]: 'stale' }, configHash: 'stale' }] };
  assert.throws(() => planRunResources(project, observed, 'web'), /network demo_default has changed in the Compose file/);
});
