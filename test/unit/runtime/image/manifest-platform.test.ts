import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, layerCompression, sniffCompression, MT } from '../../../../runtime/image/manifest.js';
import { parsePlatform, selectPlatform, platformMatches, formatPlatform } from '../../../../runtime/image/platform.js';
import { parseImageConfig } from '../../../../runtime/image/image-config.js';
import { planHealthcheck } from '../../../../runtime/image/image-facts.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

test('manifest kinds are told apart by media type (header or document)', () => {
  const index = { schemaVersion: 2, mediaType: MT.ociIndex, manifests: [{ mediaType: MT.ociManifest, digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64' } }] };
  assert.equal(parseManifest(JSON.stringify(index), '', 'x').kind, 'index');
  const list = { schemaVersion: 2, manifests: [{ mediaType: MT.dockerManifest, digest: d('b'), size: 1 }] };
  assert.equal(parseManifest(JSON.stringify(list), MT.dockerList, 'x').kind, 'index');
  const img = { schemaVersion: 2, config: { mediaType: MT.dockerConfig, digest: d('c'), size: 5 }, layers: [{ mediaType: MT.dockerLayerGzip, digest: d('e'), size: 7 }] };
  const m = parseManifest(JSON.stringify(img), `${MT.dockerManifest}; charset=utf-8`, 'x');
  assert.equal(m.kind, 'image');
  assert.equal(m.mediaType, MT.dockerManifest);
  assert.equal(parseManifest(JSON.stringify({ ...img, mediaType: MT.ociManifest }), 'application/json', 'x').mediaType, MT.ociManifest);
});

test('bad manifests are errors naming the image', () => {
  assert.throws(() => parseManifest('{nope', '', 'pull image "a"'), /^Error: pull image "a": invalid manifest: not JSON$|pull image "a": invalid manifest: not JSON/);
  assert.throws(() => parseManifest(JSON.stringify({ schemaVersion: 1, fsLayers: [] }), '', 'pull image "a"'), /schema 1/);
  assert.throws(() => parseManifest(JSON.stringify({ mediaType: MT.ociManifest, config: { digest: 'sha256:zz', size: 1 }, layers: [] }), '', 'pull image "a"'), /config\.digest "sha256:zz"/);
  assert.throws(() => parseManifest(JSON.stringify({ mediaType: 'application/x-odd' }), '', 'pull image "a"'), /unsupported media type "application\/x-odd"/);
});

test('layer compression from media type, and sniffed from bytes', () => {
  assert.equal(layerCompression(MT.dockerLayerGzip, 'x'), 'gzip');
  assert.equal(layerCompression(MT.ociLayerGzip, 'x'), 'gzip');
  assert.equal(layerCompression(MT.ociLayerZstd, 'x'), 'zstd');
  assert.equal(layerCompression(MT.ociLayer, 'x'), 'none');
  assert.throws(() => layerCompression('application/x-weird', 'pull image "a"'), /pull image "a": unsupported layer media type/);
  assert.equal(sniffCompression(Uint8Array.from([0x1f, 0x8b, 8, 0])), 'gzip');
  assert.equal(sniffCompression(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd])), 'zstd');
  assert.equal(sniffCompression(Uint8Array.from([0x61, 0x62, 0x63, 0x64])), 'none');
});

test('platforms: parsing, aliases, arm64 variants, and selection from an index', () => {
  assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('Linux/ARM/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parsePlatform('linux'), /invalid platform "linux"/);
  assert.ok(platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }));
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm', variant: 'v6' }));
  const entries = [
    { digest: 'att', platform: { os: 'unknown', architecture: 'unknown' } },
    { digest: 'arm', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { digest: 'amd', platform: { os: 'linux', architecture: 'amd64' } },
  ];
  assert.equal(selectPlatform(entries, parsePlatform('linux/amd64'), 'redis:7').digest, 'amd');
  assert.equal(selectPlatform(entries, parsePlatform('linux/arm/v7'), 'redis:7').digest, 'arm');
  assert.throws(() => selectPlatform(entries, parsePlatform('linux/s390x'), 'redis:7'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_IMAGE_PLATFORM');
    assert.equal(e.message, 'image "redis:7" has no manifest for platform linux/s390x (it has: linux/arm/v7, linux/amd64)');
    return true;
  });
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
});

test('image config: the fields containers use, with healthcheck defaults', () => {
  const cfg = parseImageConfig(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    rootfs: { type: 'layers', diff_ids: [d('1')] },
    config: {
      Entrypoint: ['/entry'], Cmd: ['run'], Env: ['PATH=/bin'], WorkingDir: '/app', User: '1000:1000',
      ExposedPorts: { '80/tcp': {}, '53/udp': {} }, Volumes: { '/data': {} }, StopSignal: 'SIGQUIT', Labels: { a: 'b' },
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 2 },
    },
  }), 'image "x"');
  assert.deepEqual(cfg.config.entrypoint, ['/entry']);
  assert.deepEqual(cfg.config.exposedPorts, ['53/udp', '80/tcp']);
  assert.deepEqual(cfg.config.volumes, ['/data']);
  assert.equal(cfg.config.stopSignal, 'SIGQUIT');
  assert.deepEqual(planHealthcheck(cfg.config.healthcheck), { test: ['CMD-SHELL', 'true'], intervalMs: 5000, timeoutMs: 30000, retries: 2, startPeriodMs: 0, startIntervalMs: 5000 });
  const bare = parseImageConfig(JSON.stringify({ rootfs: { diff_ids: [] } }), 'image "x"');
  assert.deepEqual([bare.config.entrypoint, bare.config.cmd, bare.config.env, bare.config.labels], [null, null, [], {}]);
  assert.equal(planHealthcheck(bare.config.healthcheck), null);
  assert.throws(() => parseImageConfig('{}', 'image "x"'), /image "x": image config has no rootfs\.diff_ids/);
});
