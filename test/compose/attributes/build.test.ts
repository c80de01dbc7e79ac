import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadYaml } from './helpers.js';

test('build: a string is the context; dockerfile defaults to Dockerfile', async () => {
  const { doc, dir } = await loadYaml('services:\n  web:\n    build: ./app\n');
  assert.deepEqual(doc.services.web.build, { context: path.join(dir, 'app'), dockerfile: 'Dockerfile' });
});

test('build: long form with args (list), labels, target, cache_from, shm_size, ssh', async () => {
  const { doc, dir } = await loadYaml(`services:
  web:
    build:
      context: .
      dockerfile: web.Dockerfile
      args: [A=1, B, C]
      labels: { l: v }
      target: prod
      cache_from: [img:cache]
      shm_size: 1g
      ssh: [default]
      tags: [a:1]
      platforms: [linux/amd64]
`, { env: { B: 'b' } });
  assert.deepEqual(doc.services.web.build, {
    context: dir, dockerfile: 'web.Dockerfile', args: { A: '1', B: 'b' }, labels: { l: 'v' }, target: 'prod',
    cache_from: ['img:cache'], shm_size: String(1024 ** 3), ssh: ['default'], tags: ['a:1'], platforms: ['linux/amd64'],
  });
});

test('build: remote contexts are not resolved as paths', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    build: https://github.com/docker/compose.git\n');
  assert.equal(doc.services.web.build.context, 'https://github.com/docker/compose.git');
});

test('build: dockerfile_inline means no default dockerfile', async () => {
  const { doc } = await loadYaml('services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: "FROM alpine"\n');
  assert.equal(doc.services.web.build.dockerfile, undefined);
  assert.equal(doc.services.web.build.dockerfile_inline, 'FROM alpine');
});

test('build: additional_contexts resolve local paths only', async () => {
  const { doc, dir } = await loadYaml('services:\n  web:\n    build:\n      context: .\n      additional_contexts:\n        img: docker-image://alpine\n        local: ./lib\n');
  assert.deepEqual(doc.services.web.build.additional_contexts, { img: 'docker-image://alpine', local: path.join(dir, 'lib') });
});
