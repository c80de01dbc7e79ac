/** pre_start hooks, the pure half: when they run, the hook container's service/spec/labels, messages, down. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageFacts } from '../../../runtime/index.js';
import { L, type LabelContext } from '../../../src/reconcile/labels.js';
import { projectContainers, serviceContainers } from '../../../src/reconcile/observed.js';
import { planDown } from '../../../src/reconcile/plan-down.js';
import { planUp } from '../../../src/reconcile/plan.js';
import {
  checkPreStartFailed, checkPreStartHooks, isPreStartHook, planOutputTail, planPreStartName, planPreStartService, planPreStartSource,
  planPreStartSpec, preStartFailure, selectPreStartHookContainers,
} from '../../../src/reconcile/pre-start.js';
import { planContainerSpec } from '../../../src/reconcile/service-spec.js';
import { digests, makeProject, replica, svc, upToDate } from './fixtures.js';

const labelCtx: LabelContext = { project: 'demo', workingDir: '/srv/demo', configFiles: ['/srv/demo/compose.yaml'], version: '2.40.0' };
const image: ImageFacts = { lowerDirs: ['/img'], env: ['PATH=/bin'], entrypoint: null, cmd: ['sh'], user: '', workingDir: '/', stopSignal: null, healthcheck: null };

const row = (name: string, status: string, labels: Record<string, string>) => ({ name, status, labels: { [L.project]: 'demo', [L.service]: 'web', ...labels } });

test('checkPreStartHooks: per_replica (true or "true") is refused with docker compose\'s message, naming the hook', () => {
  assert.doesNotThrow(() => checkPreStartHooks(svc('web', { pre_start: [{ command: ['true'] }] })));
  assert.doesNotThrow(() => checkPreStartHooks(svc('web', { pre_start: [{ command: ['true'], per_replica: false } as never] })));
  assert.throws(() => checkPreStartHooks(svc('web', { pre_start: [{ command: ['true'] }, { command: ['x'], per_replica: true } as never] })),
    { message: 'service "web" pre_start[1]: per_replica is not yet supported; remove per_replica or set it to false' });
  assert.throws(() => checkPreStartHooks(svc('web', { pre_start: [{ command: ['x'], per_replica: 'true' } as never] })), /pre_start\[0\]: per_replica is not yet supported/);
});

test('planPreStartSource: only when no replica runs; then the lowest-numbered one, whatever the listing order', () => {
  const three = [row('demo-web-3', 'created', { [L.number]: '3' }), row('demo-web-10', 'exited', { [L.number]: '10' }), row('demo-web-2', 'created', { [L.number]: '2' })];
  assert.equal(planPreStartSource(three)?.name, 'demo-web-2');
  assert.equal(planPreStartSource([...three, row('demo-web-4', 'running', { [L.number]: '4' })]), undefined);
  assert.equal(planPreStartSource([]), undefined);
  // a running one-off or a kept hook container is no replica: it neither blocks nor is picked
  const others = [row('demo-web-run-1', 'running', { [L.oneoff]: 'True' }), row('demo-web-pre_start-x', 'exited', { [L.hook]: 'pre_start' })];
  assert.equal(planPreStartSource([...others, row('demo-web-1', 'created', { [L.number]: '1', [L.oneoff]: 'False' })])?.name, 'demo-web-1');
  assert.equal(planPreStartSource(others), undefined);
});

test('planPreStartService: the hook\'s image/command/user/dir/privilege, service env + hook env, volumes_from the source, bare networks', () => {
  const p = makeProject('demo', [], { networks: { default: { name: 'demo_default' }, back: { name: 'demo_back' } } });
  const service = svc('web', {
    image: 'nginx', environment: { A: '1', B: 'service', GONE: 'x' }, user: 'www', working_dir: '/srv', privileged: false, ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }],
    networks: { default: { aliases: ['www'], ipv4_address: '10.1.0.9', priority: 5 }, back: null }, volumes: [{ type: 'volume', source: 'data', target: '/data' }],
    healthcheck: { test: ['CMD', 'true'] }, restart: 'always',
  });
  const hook = { command: ['sh', '-c', 'echo hi'], user: 'root', working_dir: '/tmp', privileged: true, environment: { B: 'hook', C: '3', GONE: null } };
  const h = planPreStartService(p, service, hook, 'demo-web-1');
  assert.deepEqual(h, {
    name: 'web', image: 'nginx', command: ['sh', '-c', 'echo hi'], user: 'root', working_dir: '/tmp', privileged: true,
    environment: { A: '1', B: 'hook', C: '3', GONE: null }, volumes_from: ['container:demo-web-1'],
    networks: { default: { priority: 5 }, back: null },
  });
  // the hook's own image wins; a service without image: the image built for it
  assert.equal(planPreStartService(p, service, { command: ['x'], image: 'alpine' }, 'demo-web-1').image, 'alpine');
  assert.equal(planPreStartService(p, svc('api', { image: undefined }), { command: ['x'] }, 'demo-api-1').image, 'demo-api');
  // network_mode is shared as it is; a hook without user etc. leaves the image's
  const host = planPreStartService(p, svc('web', { network_mode: 'host', networks: undefined }), { command: ['x'] }, 'demo-web-1');
  assert.deepEqual(host, { name: 'web', image: 'busybox', command: ['x'], environment: {}, volumes_from: ['container:demo-web-1'], network_mode: 'host' });
});

test('planPreStartSpec: the hook container\'s spec carries only project, service, version and hook labels; no restart', () => {
  const p = makeProject('demo', [svc('web', { labels: { mine: 'x' }, restart: 'always' })]);
  const hookService = planPreStartService(p, p.services.web!, { command: ['sh', '-c', 'exit 0'], environment: { H: '1' } }, 'demo-web-1');
  const planned = planContainerSpec({ project: p, service: hookService, id: 'a'.repeat(64), number: 0, image, labels: labelCtx, configHash: 'h', volumeDirs: {},
    volumesFrom: [{ type: 'volume', source: '/vols/demo_data', target: '/data' }], name: 'demo-web-pre_start-aaaaaaaaaaaa' });
  const spec = planPreStartSpec(planned, labelCtx, 'web');
  assert.deepEqual(spec.labels, { [L.project]: 'demo', [L.service]: 'web', [L.version]: '2.40.0', [L.hook]: 'pre_start' });
  assert.equal(isPreStartHook(spec.labels), true);
  assert.deepEqual(spec.restart, { policy: 'no' });
  assert.deepEqual(spec.command, ['sh', '-c', 'exit 0']);
  assert.deepEqual(spec.env, ['H=1']);
  assert.deepEqual(spec.mounts, [{ type: 'volume', source: '/vols/demo_data', target: '/data' }]);
  assert.equal(planPreStartName('demo', 'web', 'f'.repeat(64)), 'demo-web-pre_start-ffffffffffff');
});

test('preStartFailure: docker compose\'s wording, with the output tail and the kept container\'s short id', () => {
  const id = '0123456789abcdef'.repeat(4);
  assert.equal(preStartFailure('db', 0, { exitCode: 3 }, id, ''), 'service "db" pre_start[0] exited with code 3 (hook container 0123456789ab retained for inspection)');
  assert.equal(preStartFailure('db', 2, { exitCode: 1 }, id, 'migration failed'), 'service "db" pre_start[2] exited with code 1: migration failed (hook container 0123456789ab retained for inspection)');
  assert.equal(preStartFailure('db', 0, { exitCode: 0, error: 'oom' }, id, ''), 'service "db" pre_start[0] wait error: oom (hook container 0123456789ab retained for inspection)');
  assert.equal(checkPreStartFailed({ exitCode: 0, error: null }), false);
  assert.equal(checkPreStartFailed({ exitCode: 3, error: null }), true);
  assert.equal(checkPreStartFailed({ exitCode: 0, error: 'exec failed' }), true);
});

test('planOutputTail: stderr first, else stdout; last 10 non-blank lines; progress rewrites keep their last state; at most 2048 bytes', () => {
  const out = (log: string) => ({ stream: 'stdout' as const, log });
  const err = (log: string) => ({ stream: 'stderr' as const, log });
  assert.equal(planOutputTail([out('hello\n'), err('boom\n'), out('more\n')]), 'boom');
  assert.equal(planOutputTail([out('a\n'), out('\n'), out('b\r\n'), out('10%\r50%\r100%\n')]), 'a\nb\n100%');
  assert.equal(planOutputTail([]), '');
  const many = Array.from({ length: 15 }, (_, i) => err(`line ${i}\n`));
  assert.equal(planOutputTail(many), Array.from({ length: 10 }, (_, i) => `line ${i + 5}`).join('\n'));
  const long = planOutputTail([out(`${'x'.repeat(3000)}\n`)]);
  assert.equal(Buffer.byteLength(long), 2048);
  const wide = planOutputTail([out(`${'é'.repeat(1500)}\n`)]);
  assert.ok(Buffer.byteLength(wide) <= 2048 && !wide.includes('\uFFFD'));
});

test('a kept hook container is no replica: up leaves it alone and down removes it (with its anonymous volumes) before the network', () => {
  const p = makeProject('demo', [svc('web', { pre_start: [{ command: ['false'] }] })]);
  const observed = upToDate(p);
  const hook = replica(p, 'web', 0, { name: 'demo-web-pre_start-abc', id: 'f'.repeat(64), status: 'exited', exitCode: 3 }, {});
  delete hook.labels[L.number]; delete hook.labels[L.oneoff]; delete hook.labels[L.configHash];
  hook.labels[L.hook] = 'pre_start';
  observed.containers.push(hook);
  assert.deepEqual(serviceContainers(observed, 'demo', 'web').map((c) => c.name), ['demo-web-1']);
  assert.ok(!projectContainers(observed, 'demo').includes(hook));
  assert.deepEqual(planUp(p, observed, { imageDigests: digests(p) }).steps, []);

  const down = planDown(p, observed);
  const rm = down.steps.find((s) => s.containerId === hook.id);
  assert.deepEqual(rm && { op: rm.op, removeVolumes: rm.removeVolumes, resource: rm.resource }, { op: 'remove-container', removeVolumes: true, resource: 'Container demo-web-pre_start-abc' });
  const net = down.steps.find((s) => s.op === 'remove-network')!;
  assert.ok(net.dependsOn.includes(rm!.id), 'the network goes after the hook container');
  // down without a Compose file finds it by the project label too; another project's is left
  const other = { ...hook, id: 'e'.repeat(64), labels: { ...hook.labels, [L.project]: 'other' } };
  assert.deepEqual(selectPreStartHookContainers([...observed.containers, other], 'demo').map((c) => c.id), [hook.id]);
  assert.deepEqual(selectPreStartHookContainers([...observed.containers, other], 'demo', ['api']), []);
  assert.ok(planDown(undefined, { ...observed, containers: [...observed.containers, other] }, { projectName: 'demo' }).steps.some((s) => s.containerId === hook.id));
});
