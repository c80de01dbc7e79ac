/**
 * Images through Compose against a loopback registry: `pull` (progress lines, skip rules, dedupe, --policy,
 * -q, failures), `push`, `up --pull never`, the pull time recorded for pull_policy daily/weekly, `image
 * import` (file, stdin, --change, a malicious tarball), and images in use: `image rm` refuses naming the
 * container (running or stopped), `image prune -a` keeps it, `system prune -a` then removes everything.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import tar from 'tar-stream';
import { cliPath, tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv } from '../helpers/e2e.js';
import { buildImage, buildImageFromFiles } from '../helpers/image-kit.js';
import { pushImage, startRegistry } from '../helpers/registry.js';
import { needsRoot } from '../helpers/root.js';
import { ok } from '../helpers/cli-assert.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'ImagesCompose');

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function tarOf(entries: Array<{ name: string; content?: string; type?: 'file' | 'directory' | 'symlink'; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', mode: e.type === 'directory' ? 0o755 : 0o644, ...(e.linkname ? { linkname: e.linkname } : {}) }, e.content ?? '');
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

test('compose pull/push, pull policies, import, and images in use through rm and prune', { skip: needsRoot, timeout: 900_000 }, async (t) => {
  const e = await e2eEnv(t);
  const reg = await startRegistry();
  e.defer(() => reg.stop());
  const busybox = await buildImage('busybox');
  const files = await buildImageFromFiles({ name: 'tscompose-test/files', layers: [[{ path: '/one', content: '1\n' }], [{ path: '/two', content: '2\n' }]] });
  await pushImage(reg, busybox.layoutDir, 'img/busybox', '1.0');
  await pushImage(reg, files.layoutDir, 'img/files', 'latest');
  const env = { ...e.env, REG: reg.host };
  const cli = (args: string[]) => tscompose(['-p', e.project, '--progress', 'plain', ...args], { cwd, env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-v', '-t', '0']));
  const app = `${reg.host}/img/busybox:1.0`;

  // pull: docker compose's lines, one pull per image, the skip rules
  const p1 = ok(await cli(['--profile', 'extra', 'pull', '--ignore-buildable']), 'pull');
  const err = p1.stderr;
  assert.match(err, /^ app Pulling$/m);
  assert.match(err, /^ app Pulled$/m);
  assert.match(err, /^ files Pulled$/m);
  assert.match(err, /^ same Skipped - Image is already being pulled by app$/m);
  assert.match(err, /^ pushme Skipped - Image can be built$/m);
  assert.match(err, /^ local Skipped$/m);
  for (const l of busybox.layers) {
    const id = l.digest.slice(7, 19);
    assert.match(err, new RegExp(`^ ${id} Pulling fs layer$`, 'm'));
    assert.match(err, new RegExp(`^ ${id} Pull complete$`, 'm'));
  }
  assert.ok(err.indexOf(' app Pulling') < err.indexOf(' app Pulled'));
  assert.equal(p1.stdout, '');
  // the pull time is recorded (pull_policy daily/weekly/every_ read it)
  const recs = fs.readdirSync(path.join(e.root, 'images')).map((n) => JSON.parse(fs.readFileSync(path.join(e.root, 'images', n), 'utf8')) as { repoTags: string[]; lastPulled?: string });
  assert.equal(recs.length, 2);
  for (const r of recs) assert.ok(r.lastPulled && Date.now() - Date.parse(r.lastPulled) < 300_000, JSON.stringify(r));

  // a pinned tag that is present is skipped under missing; :latest is refreshed; --policy always pulls again
  const p2 = ok(await cli(['--profile', 'extra', 'pull', 'app', 'files']), 'second pull');
  assert.match(p2.stderr, /^ app Skipped - Image is already present locally$/m);
  assert.match(p2.stderr, /^ files Pulled$/m);
  assert.match(p2.stderr, new RegExp(`^ ${files.layers[0]!.digest.slice(7, 19)} Already exists$`, 'm'));
  const p3 = ok(await cli(['pull', '--policy', 'always', 'app']), 'pull --policy always');
  assert.match(p3.stderr, /^ app Pulled$/m);
  assert.match(p3.stderr, new RegExp(`^ ${busybox.layers[0]!.digest.slice(7, 19)} Already exists$`, 'm'));
  const q = ok(await cli(['pull', '-q', '--policy', 'always', 'app']), 'pull -q');
  assert.equal(q.stdout + q.stderr, '');
  const badPolicy = await cli(['pull', '--policy', 'never', 'app']);
  assert.equal(badPolicy.code, 1);

  // failures: exit 1 naming the service, or a warning with --ignore-pull-failures
  const f1 = await cli(['--profile', 'bad', 'pull', 'broken']);
  assert.equal(f1.code, 1, f1.stderr);
  assert.match(f1.stderr, /^ broken Error$/m);
  assert.match(f1.stderr, /pull service "broken": .*nope\/missing/);
  const f2 = ok(await cli(['--profile', 'bad', 'pull', '--ignore-pull-failures', 'broken']), 'pull --ignore-pull-failures');
  assert.match(f2.stderr, /WARN service "broken": /);

  // up --pull never with an image that is not stored: an error naming the service, nothing created
  const never = await cli(['--profile', 'bad', 'up', '-d', '--pull', 'never', 'broken']);
  assert.equal(never.code, 1);
  assert.match(never.stderr, /service "broken": image .*nope\/missing:1 not found and pull_policy is never/);
  assert.equal(fs.existsSync(path.join(e.root, 'containers')) ? fs.readdirSync(path.join(e.root, 'containers')).length : 0, 0);

  // push: only the service with build and image; the registry then serves the manifest
  ok(await tscompose(['image', 'tag', app, `${reg.host}/pushed/app:v2`], { env }), 'image tag');
  const push = ok(await cli(['--profile', 'extra', 'push', 'pushme', 'app']), 'push');
  assert.match(push.stderr, /^ app Skipped$/m);
  assert.match(push.stderr, new RegExp(`^ ${esc(reg.host)}/pushed/app:v2 Pushed$`, 'm'));
  const head = await fetch(`${reg.url}/v2/pushed/app/manifests/v2`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  assert.equal(head.status, 200);
  ok(await tscompose(['image', 'rm', `${reg.host}/pushed/app:v2`], { env }), 'untag pushed');

  // import: a gzip rootfs from a file (with --change), a plain tar from stdin, a malicious tar refused
  const rootfs = path.join(e.root, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(rootfs, 'etc', 'motd'), 'imported\n');
  const tgz = path.join(e.root, 'rootfs.tgz');
  execFileSync('tar', ['-C', rootfs, '-czf', tgz, '.']);
  const imp = ok(await tscompose(['image', 'import', '-c', 'CMD ["/bin/true"]', '-c', 'ENV A=1', tgz, 'imported/thing:1'], { env }), 'image import');
  assert.match(imp.stdout, /^sha256:[a-f0-9]{64}\n$/);
  const inspected = JSON.parse(ok(await tscompose(['image', 'inspect', 'imported/thing:1'], { env }), 'inspect import').stdout)[0] as { Id: string; Config: { Cmd: string[]; Env: string[] }; RootFS: { Layers: string[] } };
  assert.equal(inspected.Id, imp.stdout.trim());
  assert.deepEqual(inspected.Config.Cmd, ['/bin/true']);
  assert.deepEqual(inspected.Config.Env, ['A=1']);
  assert.equal(inspected.RootFS.Layers.length, 1);
  const motd = execFileSync('sh', ['-c', `cat ${e.root}/snapshots/*/diff/etc/motd`]).toString();
  assert.equal(motd, 'imported\n');
  const plain = await tarOf([{ name: 'hello', content: 'from stdin\n' }]);
  const viaStdin = spawnSync(cliPath, ['image', 'import', '-', 'imported/stdin'], { input: plain, env: { ...process.env, ...env }, timeout: 60_000 });
  assert.equal(viaStdin.status, 0, viaStdin.stderr.toString());
  ok(await tscompose(['image', 'inspect', 'imported/stdin:latest'], { env }), 'inspect stdin import');
  const evil = path.join(e.root, 'evil.tar');
  fs.writeFileSync(evil, await tarOf([{ name: '../escape', content: 'x' }]));
  const before = fs.readdirSync(path.join(e.root, 'images')).length;
  const bad = await tscompose(['image', 'import', evil, 'imported/evil'], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`import "${esc(evil)}".*\\.\\.`));
  assert.equal(fs.readdirSync(path.join(e.root, 'images')).length, before);
  assert.ok(!fs.existsSync(path.join(e.root, 'escape')) && !fs.existsSync(path.join(e.root, 'snapshots', 'escape')));
  const missing = await tscompose(['image', 'import', path.join(e.root, 'nope.tar')], { env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.tar": no such file/);

  // in use: a running container's image cannot be removed, prune -a keeps it
  ok(await cli(['up', '-d', 'app']), 'up -d app');
  const container = `${e.project}-app-1`;
  const rm1 = await tscompose(['image', 'rm', app], { env });
  assert.equal(rm1.code, 1);
  assert.match(rm1.stderr, new RegExp(`in use by container "${container}"`));
  const pr = ok(await tscompose(['image', 'prune', '-a', '-f'], { env }), 'image prune -a');
  assert.match(pr.stdout, new RegExp(`deleted: ${files.configDigest}`));
  assert.doesNotMatch(pr.stdout, new RegExp(busybox.configDigest));
  ok(await tscompose(['image', 'inspect', app], { env }), 'app image kept');

  // a stopped (created) container protects it too; system prune removes container, network, images, data
  ok(await cli(['down', '-t', '0']), 'down');
  ok(await cli(['up', '-d', '--no-start', 'app']), 'up --no-start');
  const rm2 = await tscompose(['image', 'rm', app], { env });
  assert.equal(rm2.code, 1);
  assert.match(rm2.stderr, new RegExp(`in use by container "${container}"`));
  const sp = ok(await tscompose(['system', 'prune', '-a', '-f'], { env }), 'system prune -a');
  assert.match(sp.stdout, /^Deleted Containers:\n[a-f0-9]{64}\n\n/m);
  assert.match(sp.stdout, new RegExp(`Deleted Networks:\\n${e.project}_default\\n`));
  assert.match(sp.stdout, new RegExp(`deleted: ${busybox.configDigest}`));
  assert.match(sp.stdout, /Total reclaimed space: /);
  assert.deepEqual(fs.readdirSync(path.join(e.root, 'images')), []);
  assert.deepEqual(fs.readdirSync(path.join(e.root, 'blobs', 'sha256')), []);
  assert.deepEqual(fs.readdirSync(path.join(e.root, 'snapshots')).filter((n) => n !== 'l'), []);
});
