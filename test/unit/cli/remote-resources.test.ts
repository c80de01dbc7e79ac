import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseGitRef, checkSubdir } from '../../../src/cli/remote/git-loader.js';
import { planArtifactFiles, COMPOSE_ARTIFACT_TYPE, COMPOSE_FILE_MEDIA_TYPE, COMPOSE_ENVFILE_MEDIA_TYPE, COMPOSE_EMPTY_CONFIG_MEDIA_TYPE } from '../../../src/cli/remote/oci-loader.js';
import { installDirectory, remoteCacheDir, remoteEnabled } from '../../../src/cli/remote/cache.js';
import { collectFileReferences, prefetchResources, resourceResolver, type ResourceLoader } from '../../../src/compose/resources.js';

test('git references as buildkit reads them; plain paths and web pages are not git', () => {
  assert.deepEqual(parseGitRef('https://example.test/org/app.git#v1:deploy/dev'), { remote: 'https://example.test/org/app.git', ref: 'v1', subdir: 'deploy/dev' });
  assert.deepEqual(parseGitRef('git@example.test:org/app.git'), { remote: 'git@example.test:org/app.git', ref: '', subdir: '' });
  assert.deepEqual(parseGitRef('github.com/org/app#main'), { remote: 'https://github.com/org/app', ref: 'main', subdir: '' });
  assert.deepEqual(parseGitRef('git://127.0.0.1:9418/app.git#:sub'), { remote: 'git://127.0.0.1:9418/app.git', ref: '', subdir: 'sub' });
  assert.equal(parseGitRef('ssh://git@example.test/app.git')?.remote, 'ssh://git@example.test/app.git');
  for (const local of ['./compose.yaml', '../x/compose.yaml', '/abs/compose.yaml', 'sub/compose.yaml', 'compose.yaml', 'https://example.test/compose.yaml', 'oci://reg/app:1', 'C:/x']) {
    assert.equal(parseGitRef(local), undefined, local);
  }
});

test('a git subdirectory must stay inside the checkout', () => {
  assert.equal(checkSubdir('a/b/', 'r'), 'a/b/');
  assert.equal(checkSubdir('.', 'r'), '');
  assert.equal(checkSubdir('a/../b', 'r'), 'b');
  for (const bad of ['../x', '/etc', 'a/../../x']) assert.throws(() => checkSubdir(bad, 'remote resource r'), /must stay inside the repository/);
});

const layer = (mediaType: string, text: string, annotations: Record<string, string> = {}) => ({ mediaType, annotations, data: Buffer.from(text) });

test('artifact layers become compose.yaml (later files as further documents), extends targets and env files by name', () => {
  const files = planArtifactFiles('oci://r/app:1', COMPOSE_ARTIFACT_TYPE, undefined, [
    layer(COMPOSE_FILE_MEDIA_TYPE, 'services: {a: {image: x}}\n', { 'com.docker.compose.file': 'compose.yaml' }),
    layer(COMPOSE_FILE_MEDIA_TYPE, 'services: {b: {image: y}}\n', { 'com.docker.compose.file': 'override.yaml' }),
    layer(COMPOSE_FILE_MEDIA_TYPE, 'services: {base: {image: z}}\n', { 'com.docker.compose.file': 'base.yaml', 'com.docker.compose.extends': 'true' }),
    layer(COMPOSE_ENVFILE_MEDIA_TYPE, 'A=1\n', { 'com.docker.compose.envfile': 'app.env' }),
    layer('application/octet-stream', 'ignored'),
  ]);
  assert.deepEqual(files.map((f) => [f.name, f.append, f.data.toString()]), [
    ['compose.yaml', true, 'services: {a: {image: x}}\n'],
    ['compose.yaml', true, '\n---\nservices: {b: {image: y}}\n'],
    ['base.yaml', false, 'services: {base: {image: z}}\n'],
    ['app.env', false, 'A=1\n'],
  ]);
  // OCI 1.0 form: no artifactType, the empty config media type says what it is
  assert.equal(planArtifactFiles('r', undefined, COMPOSE_EMPTY_CONFIG_MEDIA_TYPE, []).length, 0);
});

test('an artifact that is not a Compose project, or names a file outside its folder, is refused', () => {
  assert.throws(() => planArtifactFiles('oci://r/img:1', undefined, 'application/vnd.oci.image.config.v1+json', []), /oci:\/\/r\/img:1 is not a compose project OCI artifact/);
  assert.throws(() => planArtifactFiles('oci://r/a:1', 'application/x-other', undefined, []), /not a compose project/);
  for (const name of ['../evil', 'a/b', '..', '']) {
    assert.throws(() => planArtifactFiles('oci://r/a:1', COMPOSE_ARTIFACT_TYPE, undefined, [layer(COMPOSE_ENVFILE_MEDIA_TYPE, 'X=1', { 'com.docker.compose.envfile': name })]), /invalid OCI artifact/, name);
  }
  assert.throws(() => planArtifactFiles('oci://r/a:1', COMPOSE_ARTIFACT_TYPE, undefined, [layer(COMPOSE_ENVFILE_MEDIA_TYPE, 'X=1')]), /no com.docker.compose.envfile annotation/);
});

test('remote switches parse like Go booleans; the cache follows XDG_CACHE_HOME', () => {
  assert.equal(remoteEnabled({}, 'X'), true);
  assert.equal(remoteEnabled({ X: 'false' }, 'X'), false);
  assert.equal(remoteEnabled({ X: '1' }, 'X'), true);
  assert.throws(() => remoteEnabled({ X: 'nope' }, 'X'), /X environment variable expects boolean value/);
  assert.equal(remoteCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/tscompose/remote');
  assert.equal(remoteCacheDir({ HOME: '/h' }), '/h/.cache/tscompose/remote');
});

test('a cache directory appears only complete: a failed fill leaves nothing', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsc-cache-'));
  try {
    const final = path.join(dir, 'x', 'entry');
    await assert.rejects(installDirectory(final, async (tmp) => { writeFileSync(path.join(tmp, 'half'), '1'); throw new Error('network down'); }), /network down/);
    assert.deepEqual(readdirSync(path.join(dir, 'x')), []);
    await installDirectory(final, async (tmp) => writeFileSync(path.join(tmp, 'f'), 'ok'));
    assert.equal(readFileSync(path.join(final, 'f'), 'utf8'), 'ok');
    let called = false;
    await installDirectory(final, async () => { called = true; });
    assert.equal(called, false, 'an existing entry is reused');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file references of a tree: include paths (short, long, lists) and extends.file', () => {
  assert.deepEqual(collectFileReferences({
    include: ['a.yaml', { path: 'b.yaml' }, { path: ['c.yaml', 'd.yaml'] }],
    services: { s: { extends: { file: 'e.yaml', service: 'x' } }, t: { extends: 'local' }, u: null },
  }), ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml']);
  assert.deepEqual(collectFileReferences('x'), []);
});

test('prefetch follows references through fetched and local files, once each; loader failures name the reference', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsc-prefetch-'));
  try {
    writeFileSync(path.join(dir, 'one.yaml'), 'include: [r:two.yaml, local.yaml]\n');
    writeFileSync(path.join(dir, 'two.yaml'), 'include: [r:one.yaml]\n');
    writeFileSync(path.join(dir, 'local.yaml'), 'services: {a: {extends: {file: "r:three.yaml", service: a}}}\n');
    writeFileSync(path.join(dir, 'three.yaml'), 'services: {a: {image: x}}\n');
    const calls: string[] = [];
    const loader: ResourceLoader = { accept: (r) => r.startsWith('r:'), load: async (r) => { calls.push(r); return path.join(dir, r.slice(2)); } };
    const parsed = new Map<string, unknown>();
    const fetched = await prefetchResources([{ tree: { include: ['r:one.yaml'] }, dir }], [loader], parsed);
    assert.deepEqual(calls, ['r:one.yaml', 'r:two.yaml', 'r:three.yaml']);
    // every file read on the way is handed over parsed, once
    assert.deepEqual([...parsed.keys()].map((f) => path.basename(f)).sort(), ['local.yaml', 'one.yaml', 'three.yaml', 'two.yaml']);
    assert.deepEqual(parsed.get(path.join(dir, 'three.yaml')), { services: { a: { image: 'x' } } });
    const resolveFile = resourceResolver(fetched);
    assert.equal(resolveFile('r:three.yaml', '/elsewhere'), path.join(dir, 'three.yaml'));
    assert.equal(resolveFile('rel.yaml', '/w'), '/w/rel.yaml');
    assert.equal(existsSync(resolveFile('r:two.yaml', '/')), true);
    const failing: ResourceLoader = { accept: () => true, load: async () => { throw new Error('connection refused'); } };
    await assert.rejects(prefetchResources([{ tree: { include: ['x:y'] }, dir }], [failing]), /load remote resource x:y: connection refused/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
