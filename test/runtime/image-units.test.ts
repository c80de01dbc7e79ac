/**
 * Pure parts of import, prune and the Compose pull/push commands: --change instructions, which containers
 * use which images and snapshots, progress lines, the system prune texts. No root, no store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { applyChanges } from '../../runtime/image/import-changes.js';
import { planImageUse } from '../../runtime/image/in-use.js';
import type { ImageRecord } from '../../runtime/image/image-store.js';
import { shortLinkName } from '../../runtime/snapshot/snapshot-store.js';
import { chainIds } from '../../runtime/snapshot/chain.js';
import { layerEvent, throttleDownloads } from '../../src/cli/commands/pull.js';
import { planPushes, pushLayerEvent } from '../../src/cli/commands/push.js';
import { pruneWarning, section } from '../../src/cli/commands/system-prune.js';
import type { ProgressEvent } from '../../src/progress/events.js';
import type { Project } from '../../src/compose/types.js';

test('import --change: the config instructions docker import accepts, applied in order', () => {
  const c = applyChanges([
    'CMD ["/bin/app", "--serve"]',
    'ENTRYPOINT /entry.sh run',
    'ENV A=1 B="two words"',
    'ENV A 3',
    'EXPOSE 80 53/udp',
    'LABEL org.example.k=v',
    'USER 1000:1000',
    'WORKDIR /srv',
    'STOPSIGNAL SIGINT',
    'VOLUME /data /cache',
  ], 'import "x"');
  assert.deepEqual(c, {
    Cmd: ['/bin/app', '--serve'],
    Entrypoint: ['/bin/sh', '-c', '/entry.sh run'],
    Env: ['A=3', 'B=two words'],
    ExposedPorts: { '80/tcp': {}, '53/udp': {} },
    Labels: { 'org.example.k': 'v' },
    User: '1000:1000',
    WorkingDir: '/srv',
    StopSignal: 'SIGINT',
    Volumes: { '/data': {}, '/cache': {} },
  });
  assert.deepEqual(applyChanges([], 'w'), {});
  assert.throws(() => applyChanges(['RUN make'], 'import "x"'), /import "x": --change "RUN make": RUN is not supported/);
  assert.throws(() => applyChanges(['CMD ["a", 1]'], 'import "x"'), /want a JSON array of strings/);
  assert.throws(() => applyChanges(['EXPOSE http'], 'import "x"'), /bad port "http"/);
  assert.throws(() => applyChanges(['CMD'], 'import "x"'), /want INSTRUCTION ARGUMENTS/);
});

function record(id: string, diffIds: string[], tags: string[] = []): ImageRecord {
  const chains = chainIds(diffIds);
  return {
    id, repoTags: tags, repoDigests: [], manifestDigest: `${id}m`, manifestMediaType: '', configDigest: id, platform: { os: 'linux', architecture: 'amd64' },
    created: '', storedAt: '', size: 0,
    layers: diffIds.map((d, i) => ({ digest: d, size: 1, mediaType: '', diffId: d, chainId: chains[i]! })),
  };
}

test('in use: a container uses the image whose layer chain it mounts, and every snapshot of that chain', () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  const base = record('sha256:base', [d('a')], ['base:1']);
  const app = record('sha256:app', [d('a'), d('b')], ['app:1']);
  const other = record('sha256:other', [d('c')]);
  const links = '/root/snapshots/l';
  const dirs = (r: ImageRecord) => [...r.layers].reverse().map((l) => path.join(links, shortLinkName(l.chainId)));
  const allChains = [base, app, other].flatMap((r) => r.layers.map((l) => l.chainId));
  const use = planImageUse([
    { id: '1', name: 'demo-web-1', lowerDirs: dirs(app) },
    { id: '2', name: 'demo-web-2', lowerDirs: dirs(app) },
    { id: '3', name: 'plain', lowerDirs: ['/some/rootfs'] },
  ], [base, app, other], [...new Set(allChains)], links);
  assert.deepEqual([...use.images.entries()], [['sha256:app', ['demo-web-1', 'demo-web-2']]]);
  // the base image is not in use (its chain is a prefix, not the container's image) but its snapshot is mounted
  assert.deepEqual([...use.chains].sort(), app.layers.map((l) => l.chainId).sort());
  assert.ok(!use.chains.has(other.layers[0]!.chainId));
  assert.deepEqual(planImageUse([], [app], allChains, links), { images: new Map(), chains: new Set() });
});

test('pull progress: docker compose layer lines under the service; downloads throttled to tenths', () => {
  const p = (status: 'waiting' | 'downloading' | 'exists' | 'done' | 'extracting', current = 0) => ({ image: 'x', id: 'abcdef012345', status, current, total: 1000 });
  assert.deepEqual(layerEvent('web', p('waiting')), { id: 'abcdef012345', parentId: 'web', status: 'Working', text: 'Pulling fs layer' });
  assert.deepEqual(layerEvent('web', p('downloading', 250)), { id: 'abcdef012345', parentId: 'web', status: 'Working', text: 'Downloading', current: 250, total: 1000, percent: 25 });
  assert.equal(layerEvent('web', p('exists'))!.text, 'Already exists');
  assert.equal(layerEvent('web', p('done'))!.text, 'Pull complete');
  assert.equal(layerEvent('web', p('extracting')), undefined);
  const seen: ProgressEvent[] = [];
  const emit = throttleDownloads((e) => seen.push(e));
  for (const c of [0, 10, 50, 120, 150, 990, 1000]) emit(layerEvent('web', p('downloading', c))!);
  emit(layerEvent('web', p('done'))!);
  assert.deepEqual(seen.map((e) => e.percent), [0, 12, 99, 100, 100]);
  assert.equal(seen.at(-1)!.text, 'Pull complete');
});

test('push: only services with build and image push (image plus build.tags); layer lines', () => {
  const project = { services: {
    web: { name: 'web', image: 'reg/web:1', build: { context: '.', tags: ['reg/web:latest', 'reg/web:1'] } },
    db: { name: 'db', image: 'postgres:16' },
    tool: { name: 'tool', build: { context: '.' } },
  } } as unknown as Project;
  assert.deepEqual(planPushes(project, ['db', 'tool', 'web']), [
    { service: 'db', skip: 'Skipped' },
    { service: 'tool', skip: 'Skipped' },
    { service: 'web', tags: ['reg/web:1', 'reg/web:latest'] },
  ]);
  assert.equal(pushLayerEvent('reg/web:1', { id: 'abc', status: 'exists', current: 1, total: 1 }).text, 'Layer already exists');
  assert.equal(pushLayerEvent('reg/web:1', { id: 'abc', status: 'pushed', current: 1, total: 1 }).text, 'Pushed');
  assert.equal(pushLayerEvent('reg/web:1', { id: 'abc', status: 'pushing', current: 0, total: 1 }).parentId, 'reg/web:1');
});

test('system prune texts follow docker', () => {
  assert.equal(pruneWarning({}), 'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n');
  const all = pruneWarning({ all: true, volumes: true });
  assert.match(all, /anonymous volumes not used by at least one container\n {2}- all images without at least one container associated to them\n/);
  assert.equal(section('Deleted Networks', ['a', 'b']), 'Deleted Networks:\na\nb\n\n');
  assert.equal(section('Deleted Networks', []), '');
});
