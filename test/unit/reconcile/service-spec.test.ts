import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageFacts } from '../../../runtime/index.js';
import { planContainerSpec, planHealthcheckSpec, planNamespace, planRestart, type SpecInput } from '../../../src/reconcile/service-spec.js';
import { L } from '../../../src/reconcile/labels.js';
import { makeProject, svc } from './fixtures.js';
import { assertGolden } from './golden.js';

const image: ImageFacts = {
  lowerDirs: ['/l/2', '/l/1'], env: ['PATH=/bin'], entrypoint: null, cmd: ['sh'], user: '', workingDir: '/', stopSignal: null,
  healthcheck: { test: ['CMD', 'true'], intervalMs: 5000, timeoutMs: 1000, retries: 2, startPeriodMs: 0, startIntervalMs: 5000 },
};
const ID = 'a'.repeat(64);

function input(service = svc('web'), extra: Partial<SpecInput> = {}): SpecInput {
  const project = makeProject('demo', [service, svc('db')]);
  return {
    project, service, id: ID, number: 1, image,
    labels: { project: 'demo', workingDir: '/srv/demo', configFiles: ['/srv/demo/compose.yaml'], version: '0.1.0' },
    configHash: 'h1', imageDigest: 'sha256:img', volumeDirs: {}, ...extra,
  };
}

test('a service with most keys maps to the golden spec', () => {
  const web = svc('web', {
    command: ['httpd', '-f'], entrypoint: ['/bin/sh', '-c'], environment: { A: '1', UNSET: null, B: 'x=y' },
    working_dir: '/www', user: '1000:1000', group_add: ['audio'], hostname: 'webhost', domainname: 'example.org',
    labels: { team: 'a' }, restart: 'on-failure:3', init: true, stop_signal: 'SIGQUIT', stop_grace_period: '1m30s',
    healthcheck: { interval: '10s', retries: 5 }, cap_add: ['NET_ADMIN'], cap_drop: ['MKNOD'], security_opt: ['no-new-privileges'],
    tmpfs: ['/run'], read_only: true, mem_limit: 64 * 1024 * 1024, cpus: 0.5, pids_limit: 100, ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 64 },
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
    depends_on: { db: { condition: 'service_healthy', required: true, restart: true } },
    volumes: [
      { type: 'volume', source: 'data', target: '/data' },
      { type: 'bind', source: '/srv/demo/conf', target: '/etc/conf', read_only: true },
      { type: 'tmpfs', target: '/cache', tmpfs: { size: 1048576 } },
      { type: 'volume', target: '/anon' },
    ],
  });
  const spec = planContainerSpec(input(web, { volumeDirs: { '/data': '/v/demo_data/_data', '/anon': '/v/abc/_data' }, resolvConf: 'nameserver 10.201.0.1\n', hostsFile: '127.0.0.1\tlocalhost\n' }));
  assertGolden('service-spec-full', `${JSON.stringify(spec, null, 2)}\n`);
});

test('names, labels and the hostname follow docker compose', () => {
  const spec = planContainerSpec(input(svc('web', { labels: { x: 'y' } }), { number: 3 }));
  assert.equal(spec.name, 'demo-web-3');
  assert.equal(spec.hostname, ID.slice(0, 12));
  assert.equal(spec.labels[L.project], 'demo');
  assert.equal(spec.labels[L.service], 'web');
  assert.equal(spec.labels[L.number], '3');
  assert.equal(spec.labels[L.configHash], 'h1');
  assert.equal(spec.labels[L.image], 'sha256:img');
  assert.equal(spec.labels[L.oneoff], 'False');
  assert.equal(spec.labels.x, 'y');
  assert.equal(planContainerSpec(input(svc('web', { container_name: 'mine' }))).name, 'mine');
  assert.equal(planContainerSpec(input(svc('web'), { name: 'abc_demo-web-1' })).name, 'abc_demo-web-1');
});

test('environment drops unset variables and keeps values with =', () => {
  const spec = planContainerSpec(input(svc('web', { environment: { A: '1', B: null, C: 'k=v' } })));
  assert.deepEqual(spec.env, ['A=1', 'C=k=v']);
});

test('command and entrypoint are left to the image unless given', () => {
  const plain = planContainerSpec(input());
  assert.equal('command' in plain, false);
  assert.equal('entrypoint' in plain, false);
  const cleared = planContainerSpec(input(svc('web', { entrypoint: [] })));
  assert.deepEqual(cleared.entrypoint, []);
});

test('restart policies: restart wins over deploy.restart_policy; bad ones name the service', () => {
  assert.deepEqual(planRestart(svc('a'), 'a'), { policy: 'no' });
  assert.deepEqual(planRestart(svc('a', { restart: 'unless-stopped' }), 'a'), { policy: 'unless-stopped' });
  assert.deepEqual(planRestart(svc('a', { restart: 'on-failure:5' }), 'a'), { policy: 'on-failure', maxRetries: 5 });
  assert.deepEqual(planRestart(svc('a', { deploy: { restart_policy: { condition: 'any' } } }), 'a'), { policy: 'always' });
  assert.deepEqual(planRestart(svc('a', { deploy: { restart_policy: { condition: 'on-failure', max_attempts: 2 } } }), 'a'), { policy: 'on-failure', maxRetries: 2 });
  assert.deepEqual(planRestart(svc('a', { restart: 'always', deploy: { restart_policy: { condition: 'none' } } }), 'a'), { policy: 'always' });
  assert.throws(() => planRestart(svc('a', { restart: 'always:3' }), 'service "a"'), /service "a": invalid restart policy "always:3"/);
  assert.throws(() => planRestart(svc('a', { restart: 'sometimes' }), 'service "a"'), /invalid restart policy "sometimes"/);
});

test('healthcheck: service fields over the image, disable, and none at all', () => {
  assert.equal(planHealthcheckSpec(undefined, image.healthcheck, 'x'), undefined);
  const merged = planHealthcheckSpec({ interval: '2s' }, image.healthcheck, 'x')!;
  assert.deepEqual(merged, { ...image.healthcheck!, intervalMs: 2000 });
  const own = planHealthcheckSpec({ test: ['CMD-SHELL', 'wget -q localhost'] }, null, 'x')!;
  assert.deepEqual(own, { test: ['CMD-SHELL', 'wget -q localhost'], intervalMs: 30000, timeoutMs: 30000, retries: 3, startPeriodMs: 0, startIntervalMs: 5000 });
  assert.deepEqual(planHealthcheckSpec({ disable: true }, image.healthcheck, 'x')!.test, ['NONE']);
  assert.throws(() => planHealthcheckSpec({ test: ['CMD', 'x'], interval: 'soon' }, null, 'service "a"'), /service "a": healthcheck.interval: invalid duration "soon"/);
});

test('namespaces: host, none, service:<name> and container:<name>', () => {
  const p = makeProject('demo', [svc('db', { container_name: 'pg' }), svc('api')]);
  assert.deepEqual(planNamespace(p, undefined, 'network_mode', 'x'), { mode: 'private' });
  assert.deepEqual(planNamespace(p, 'host', 'network_mode', 'x'), { mode: 'host' });
  assert.deepEqual(planNamespace(p, 'none', 'network_mode', 'x'), { mode: 'none' });
  assert.deepEqual(planNamespace(p, 'service:api', 'pid', 'x'), { mode: 'container', container: 'demo-api-1' });
  assert.deepEqual(planNamespace(p, 'service:db', 'ipc', 'x'), { mode: 'container', container: 'pg' });
  assert.deepEqual(planNamespace(p, 'container:other', 'network_mode', 'x'), { mode: 'container', container: 'other' });
  assert.throws(() => planNamespace(p, 'service:nope', 'network_mode', 'service "a"'), /service "a": network_mode refers to undefined service "nope"/);
});

test('mounts need their volume resolved; unsupported types and logging drivers are refused by name', () => {
  assert.throws(() => planContainerSpec(input(svc('web', { volumes: [{ type: 'volume', source: 'data', target: '/d' }] }))), /service "web": volume on \/d was not resolved/);
  assert.throws(() => planContainerSpec(input(svc('web', { volumes: [{ type: 'npipe', source: 'x', target: '/d' }] }))), /volume type "npipe" on \/d is not supported yet/);
  assert.throws(() => planContainerSpec(input(svc('web', { logging: { driver: 'syslog' } }))), /service "web": logging driver "syslog" is not supported/);
  assert.throws(() => planContainerSpec(input(svc('web', { logging: { options: { 'max-size': 'big' } } }))), /max-size "big" is not a size/);
});

test('deploy limits fill in for the short keys', () => {
  const spec = planContainerSpec(input(svc('web', { deploy: { resources: { limits: { cpus: 1.5, memory: 1024, pids: 7 }, reservations: { memory: 512 } } } })));
  assert.equal(spec.cpus, 1.5);
  assert.equal(spec.memLimit, 1024);
  assert.equal(spec.pidsLimit, 7);
  assert.equal(spec.memReservation, 512);
  assert.equal(planContainerSpec(input(svc('web', { mem_limit: 2048, deploy: { resources: { limits: { memory: 1024 } } } }))).memLimit, 2048);
});
