import assert from 'node:assert/strict';
import test from 'node:test';
import type { Project, ServiceConfig } from '../../../src/compose/types.js';
import { parseBuildArgFlags, planServiceBuild, serviceImageName } from '../../../src/build/service-build.js';
import { renderBuildEvent } from '../../../src/build/exec-service-build.js';
import { decideUpImage, planUpImages } from '../../../src/reconcile/pull-policy.js';

function project(services: Record<string, Partial<ServiceConfig>>): Project {
  return {
    name: 'demo', workingDir: '/srv/demo', networks: {}, volumes: {}, secrets: {}, configs: {}, models: {}, extensions: {},
    environment: { FROM_ENV: 'env-value' }, configFiles: ['/srv/demo/compose.yaml'], disabledServices: {}, profiles: [], warnings: [],
    services: Object.fromEntries(Object.entries(services).map(([k, v]) => [k, { name: k, ...v } as ServiceConfig])),
  };
}

test('a buildable service is named image: or <project>-<service>, with compose labels and args in order', () => {
  const p = project({
    web: { build: { context: 'app', dockerfile: 'docker/Dockerfile.dev', args: { A: 'compose', B: null, C: 'c' }, target: 'dev', labels: { team: 'x' }, tags: ['demo/web:extra'] } },
    api: { image: 'registry.local/api:1', build: { context: '.', dockerfile_inline: 'FROM busybox\n' } },
  });
  const web = planServiceBuild(p, 'web', { buildArgs: parseBuildArgFlags(['C=flag', 'FROM_ENV']), version: '9.9.9' });
  assert.equal(web.image, 'demo-web');
  assert.deepEqual(web.tags, ['demo-web', 'demo/web:extra']);
  assert.equal(web.contextDir, '/srv/demo/app');
  assert.equal(web.dockerfilePath, '/srv/demo/app/docker/Dockerfile.dev');
  assert.equal(web.dockerfileName, 'app/docker/Dockerfile.dev');
  // B is null and unset in the environment: left out, as compose-go resolves it
  assert.deepEqual(web.buildArgs, { A: 'compose', C: 'flag', FROM_ENV: 'env-value' });
  assert.equal(web.target, 'dev');
  assert.deepEqual(web.labels, { team: 'x', 'com.docker.compose.version': '9.9.9', 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web' });
  const api = planServiceBuild(p, 'api');
  assert.equal(api.image, 'registry.local/api:1');
  assert.equal(api.dockerfileInline, 'FROM busybox\n');
  assert.equal(api.dockerfileName, 'dockerfile_inline');
  assert.equal(serviceImageName({ name: 'demo' }, { name: 'db' }), 'demo-db');
});

test('build keys this builder cannot honour are refused by name; cache_from/cache_to only warn', () => {
  const refused: Array<[Partial<ServiceConfig>['build'], RegExp]> = [
    [{ context: 'https://github.com/x/y.git' }, /service "web": build\.context: remote build contexts are not supported/],
    [{ context: '.', ssh: ['default'] }, /build\.ssh: ssh forwarding is not supported/],
    [{ context: '.', secrets: [{ source: 's' }] }, /build\.secrets: build secrets are not supported/],
    [{ context: '.', platforms: ['linux/arm64'] }, /build\.platforms: platform "linux\/arm64" is not supported/],
    [{ context: '.', network: 'none' }, /build\.network: network "none" is not supported/],
  ];
  for (const [build, re] of refused) assert.throws(() => planServiceBuild(project({ web: { build } }), 'web'), (e: Error & { code?: string }) => re.test(e.message) && e.code === 'E_BUILD_UNSUPPORTED');
  const warned = planServiceBuild(project({ web: { build: { context: '.', cache_from: ['x'], cache_to: ['y'] } } }), 'web');
  assert.deepEqual(warned.warnings, ['service "web": build.cache_from is ignored: this builder has no cache import', 'service "web": build.cache_to is ignored: this builder has no cache export']);
  assert.throws(() => parseBuildArgFlags(['=x']), /invalid --build-arg "=x"/);
});

test('up builds a buildable service when its image is missing, on --build and with pull_policy build; --no-build refuses a missing one', async () => {
  const now = new Date();
  const stored = { id: 'sha256:' + 'a'.repeat(64) };
  const base = { service: 'web', image: 'demo-web', hasBuild: true, policy: { kind: 'missing' as const } };
  assert.deepEqual(decideUpImage({ ...base, build: {} }, now), { action: 'build', reason: 'not found' });
  assert.deepEqual(decideUpImage({ ...base, stored, build: {} }, now), { action: 'use' });
  assert.deepEqual(decideUpImage({ ...base, stored, build: { force: true } }, now), { action: 'build', reason: '--build' });
  assert.deepEqual(decideUpImage({ ...base, stored, policy: { kind: 'build' }, build: {} }, now), { action: 'build', reason: 'pull_policy build' });
  assert.deepEqual(decideUpImage({ ...base, stored, policy: { kind: 'build' }, build: { never: true } }, now), { action: 'use' });
  assert.throws(() => decideUpImage({ ...base, build: { never: true } }, now), (e: Error & { code?: string }) => e.code === 'E_IMAGE_MISSING' && /service "web": image demo-web not found and --no-build was given/.test(e.message));
  const looked: string[] = [];
  const r = await planUpImages([{ name: 'web', build: { context: '.' } }, { name: 'db', image: 'redis' }], async (img) => { looked.push(img); return img === 'redis' ? stored : undefined; }, undefined, now, { project: 'demo' });
  assert.deepEqual(looked.sort(), ['demo-web', 'redis']);
  assert.deepEqual(r, { digests: { db: stored.id }, pulls: {}, builds: { web: 'not found' } });
});

test('build progress renders as buildkit plain lines under the service name', () => {
  assert.equal(renderBuildEvent('web', { kind: 'step', n: 3, text: '[builder 2/4] RUN make' }), '#3 [web builder 2/4] RUN make');
  assert.equal(renderBuildEvent('web', { kind: 'output', n: 3, line: 'ok', elapsedMs: 1234 }), '#3 1.234 ok');
  assert.equal(renderBuildEvent('web', { kind: 'cached', n: 4 }), '#4 CACHED');
  assert.equal(renderBuildEvent('web', { kind: 'done', n: 5, ms: 420 }), '#5 DONE 0.4s');
});
