/**
 * The network and volume keys of a service in its ContainerSpec: image VOLUMEs, volumes_from, links,
 * secrets' mounts, and what a joined network namespace shares (name-service files, hostname).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageFacts } from '../../../runtime/index.js';
import {
  planContainerSpec, planImageVolumeTargets, planLinks, planVolumesFromMounts, planVolumesFromSources, type SpecInput,
} from '../../../src/reconcile/service-spec.js';
import { makeProject, svc } from './fixtures.js';

const image: ImageFacts = {
  lowerDirs: ['/l/1'], env: [], entrypoint: null, cmd: ['sh'], user: '', workingDir: '/', stopSignal: null, healthcheck: null,
  volumes: ['/data', '/var/log/', '/cache'],
};
const ID = 'b'.repeat(64);

function input(service: SpecInput['service'], extra: Partial<SpecInput> = {}): SpecInput {
  const project = makeProject('demo', [service, svc('db', { container_name: 'pg' }), svc('files')]);
  return {
    project, service, id: ID, number: 1, image,
    labels: { project: 'demo', workingDir: '/srv/demo', configFiles: ['/srv/demo/compose.yaml'], version: '0.1.0' },
    configHash: 'h', volumeDirs: {}, ...extra,
  };
}

test('the image VOLUMEs get anonymous volumes, except where the service (or volumes_from) mounts something', () => {
  const s = svc('web', { volumes: [{ type: 'volume', source: 'x', target: '/data/' }], tmpfs: ['/cache:size=1m'] });
  assert.deepEqual(planImageVolumeTargets(s, image), ['/var/log']);
  assert.deepEqual(planImageVolumeTargets(s, image, ['/var/log']), []);
  assert.deepEqual(planImageVolumeTargets(svc('plain'), { ...image, volumes: undefined }), []);
  const spec = planContainerSpec(input(svc('web'), { volumeDirs: { '/data': '/v/a/_data', '/var/log': '/v/b/_data', '/cache': '/v/c/_data' } }));
  assert.deepEqual(spec.mounts, [
    { type: 'volume', source: '/v/c/_data', target: '/cache' },
    { type: 'volume', source: '/v/a/_data', target: '/data' },
    { type: 'volume', source: '/v/b/_data', target: '/var/log' },
  ]);
  assert.throws(() => planContainerSpec(input(svc('web'))), /service "web": the image's volume \/cache was not resolved/);
});

test('volumes_from: a service means its first replica (container_name honoured), ro/rw force the mode', () => {
  const p = makeProject('demo', [svc('db', { container_name: 'pg' }), svc('files')]);
  assert.deepEqual(planVolumesFromSources(p, svc('app', { volumes_from: ['files', 'db:ro', 'container:other', 'container:x:rw'] })), [
    { entry: 'files', container: 'demo-files-1' },
    { entry: 'db:ro', container: 'pg', mode: 'ro' },
    { entry: 'container:other', container: 'other' },
    { entry: 'container:x:rw', container: 'x', mode: 'rw' },
  ]);
  assert.throws(() => planVolumesFromSources(p, svc('app', { volumes_from: ['nope'] })), /service "app": volumes_from refers to undefined service "nope"/);
  assert.throws(() => planVolumesFromSources(p, svc('app', { volumes_from: ['files:rx'] })), /volumes_from "files:rx" is not SERVICE\[:ro\|rw\]/);
  const mounts = [
    { Type: 'volume', Source: '/v/a/_data', Destination: '/data', RW: true },
    { Type: 'bind', Source: '/srv/conf', Destination: '/conf', RW: false },
    { Type: 'tmpfs', Source: '', Destination: '/run', RW: true },
  ];
  assert.deepEqual(planVolumesFromMounts(mounts), [
    { type: 'volume', source: '/v/a/_data', target: '/data' },
    { type: 'bind', source: '/srv/conf', target: '/conf', readOnly: true },
  ]);
  assert.deepEqual(planVolumesFromMounts(mounts, 'ro').map((m) => m.readOnly), [true, true]);
  assert.deepEqual(planVolumesFromMounts(mounts, 'rw').map((m) => m.readOnly ?? false), [false, false]);
});

test('volumes_from come first, so a mount of the service on the same target wins; secrets come last', () => {
  const s = svc('web', { volumes: [{ type: 'bind', source: '/mine', target: '/data' }] });
  const spec = planContainerSpec(input(s, {
    image: { ...image, volumes: [] },
    volumesFrom: [{ type: 'volume', source: '/v/a/_data', target: '/data' }],
    fileMounts: [{ type: 'bind', source: '/run/s/secrets/pw', target: '/run/secrets/pw', readOnly: true }],
  }));
  assert.deepEqual(spec.mounts!.map((m) => `${m.source}:${m.target}`), ['/v/a/_data:/data', '/mine:/data', '/run/s/secrets/pw:/run/secrets/pw']);
});

test('links and external_links: alias → what it names (a service name means all its replicas)', () => {
  assert.deepEqual(planLinks(svc('web', { links: ['db', 'db:database'], external_links: ['legacy_1:legacy', 'other'] })), [
    { alias: 'db', target: 'db' }, { alias: 'database', target: 'db' }, { alias: 'legacy', target: 'legacy_1' }, { alias: 'other', target: 'other' },
  ]);
  assert.deepEqual(planLinks(svc('web')), []);
});

test('a joined network namespace shares the files and the hostname of the container joined', () => {
  const s = svc('sidecar', { network_mode: 'service:db', hostname: 'mine', domainname: 'x.org' });
  const spec = planContainerSpec(input(s, {
    image: { ...image, volumes: [] },
    resolvConf: { path: '/c/pg/resolv.conf' }, hostsFile: { path: '/c/pg/hosts' }, sharedUts: { hostname: 'pghost' },
  }));
  assert.deepEqual(spec.network, { mode: 'container', container: 'pg' });
  assert.equal(spec.hostname, 'pghost');
  assert.equal(spec.domainname, undefined);
  assert.deepEqual(spec.resolvConf, { path: '/c/pg/resolv.conf' });
  assert.deepEqual(spec.hostsFile, { path: '/c/pg/hosts' });
  const own = planContainerSpec(input(svc('web', { hostname: 'h' }), { image: { ...image, volumes: [] }, resolvConf: 'nameserver 10.201.0.1\n' }));
  assert.equal(own.hostname, 'h');
  assert.deepEqual(own.resolvConf, { content: 'nameserver 10.201.0.1\n' });
});
