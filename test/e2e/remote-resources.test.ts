/**
 * Remote Compose resources through the CLI, against real servers on loopback: a git repository served by
 * `git daemon` and a Compose project published as an OCI artifact to the test bed's registry. No root needed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { eventually } from '../helpers/e2e.js';
import { findFreePort, pushImage, startRegistry } from '../helpers/registry.js';

interface Doc { services: Record<string, { image?: string; environment?: Record<string, string>; env_file?: Array<{ path: string }> }> }
const json = (r: CliResult): Doc => {
  assert.equal(r.code, 0, `config failed (exit ${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Doc;
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

test('include and extends from a git repository: tag, subdir, file target; a pinned commit works offline from the cache; bad refs fail clearly', { timeout: 120_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'tsc-remote-git-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const work = path.join(tmp, 'work');
  mkdirSync(path.join(work, 'sub'), { recursive: true });
  writeFileSync(path.join(work, 'sub', 'compose.yaml'), 'services:\n  api:\n    image: busybox\n    env_file: [./api.env]\n');
  writeFileSync(path.join(work, 'sub', 'api.env'), 'MODE=remote\n');
  git(work, 'init', '-q');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'app');
  git(work, 'tag', 'v1');
  const sha = git(work, 'rev-parse', 'HEAD');
  const srv = path.join(tmp, 'srv');
  mkdirSync(srv);
  git(tmp, 'clone', '-q', '--bare', work, path.join(srv, 'app.git'));

  const port = await findFreePort();
  const daemon = spawn('git', ['daemon', '--export-all', `--base-path=${srv}`, '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', srv], { stdio: 'ignore' });
  let daemonUp = true;
  const stopDaemon = async () => {
    if (!daemonUp) return;
    daemonUp = false;
    daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode !== null ? r(undefined) : daemon.once('exit', r)));
  };
  t.after(stopDaemon);
  const remote = `git://127.0.0.1:${port}/app.git`;
  await eventually(() => { git(tmp, 'ls-remote', remote); }, { timeoutMs: 20_000 });

  const proj = path.join(tmp, 'proj');
  mkdirSync(proj);
  const env = { XDG_CACHE_HOME: path.join(tmp, 'cache') };
  const write = (ref: string) => writeFileSync(path.join(proj, 'compose.yaml'),
    `name: remote\ninclude:\n  - ${remote}#${ref}:sub\nservices:\n  web:\n    extends:\n      file: ${remote}#${ref}:sub/compose.yaml\n      service: api\n`);

  write('v1');
  const doc = json(await tscompose(['config', '--format', 'json'], { cwd: proj, env }));
  assert.equal(doc.services.api?.image, 'busybox');
  assert.equal(doc.services.api?.environment?.MODE, 'remote', 'the env file beside the remote compose file was read');
  assert.equal(doc.services.web?.image, 'busybox');
  assert.equal(doc.services.web?.environment?.MODE, 'remote');
  const cached = path.join(tmp, 'cache', 'tscompose', 'remote', `git-${sha}`);
  assert.ok(existsSync(path.join(cached, 'sub', 'compose.yaml')), 'checked out into the cache by commit');

  const unknown = await (write('nope'), tscompose(['config', '-q'], { cwd: proj, env }));
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /does not contain ref nope/);
  assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');

  await stopDaemon();
  write(sha);
  const offline = json(await tscompose(['config', '--format', 'json'], { cwd: proj, env }));
  assert.equal(offline.services.web?.environment?.MODE, 'remote', 'a pinned commit loads from the cache with the server gone');
  write('v1');
  const unreachable = await tscompose(['config', '-q'], { cwd: proj, env });
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /failed to access repository at git:\/\/127\.0\.0\.1/);
  const disabled = await tscompose(['config', '-q'], { cwd: proj, env: { ...env, COMPOSE_EXPERIMENTAL_GIT_REMOTE: 'false' } });
  assert.equal(disabled.code, 1);
  assert.match(disabled.stderr, /git remote resource is disabled by "COMPOSE_EXPERIMENTAL_GIT_REMOTE"/);
});

/** Writes an OCI layout holding one Compose project artifact, as docker compose publishes it. */
function writeComposeArtifact(dir: string, files: Array<{ mediaType: string; text: string; annotations: Record<string, string> }>): void {
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer, mediaType: string, annotations?: Record<string, string>) => {
    const hex = createHash('sha256').update(data).digest('hex');
    writeFileSync(path.join(blobs, hex), data);
    return { mediaType, digest: `sha256:${hex}`, size: data.length, ...(annotations ? { annotations } : {}) };
  };
  const config = put(Buffer.from('{}'), 'application/vnd.docker.compose.config.empty.v1+json');
  const layers = files.map((f) => put(Buffer.from(f.text), f.mediaType, f.annotations));
  const manifest = put(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.docker.compose.project', config, layers,
  })), 'application/vnd.oci.image.manifest.v1+json', { 'org.opencontainers.image.ref.name': '1' });
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));
}

test('include from an OCI artifact in a registry: compose file and env file land in the cache; the switch turns it off', { timeout: 120_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'tsc-remote-oci-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const layout = path.join(tmp, 'layout');
  writeComposeArtifact(layout, [
    { mediaType: 'application/vnd.docker.compose.file+yaml', text: 'services:\n  db:\n    image: redis\n    env_file: [db.env]\n', annotations: { 'com.docker.compose.file': 'compose.yaml', 'com.docker.compose.version': '2.30.0' } },
    { mediaType: 'application/vnd.docker.compose.envfile', text: 'PASSWORD=from-artifact\n', annotations: { 'com.docker.compose.envfile': 'db.env' } },
  ]);
  const pushed = await pushImage(reg, layout, 'proj/app', '1');

  const proj = path.join(tmp, 'proj');
  mkdirSync(proj);
  writeFileSync(path.join(proj, 'compose.yaml'), `name: oci\ninclude:\n  - oci://${reg.host}/proj/app:1\nservices:\n  web:\n    image: busybox\n    depends_on: [db]\n`);
  const env = { XDG_CACHE_HOME: path.join(tmp, 'cache') };
  const doc = json(await tscompose(['config', '--format', 'json'], { cwd: proj, env }));
  assert.equal(doc.services.db?.image, 'redis');
  assert.equal(doc.services.db?.environment?.PASSWORD, 'from-artifact');
  assert.equal(doc.services.web?.image, 'busybox');
  const entries = readdirSync(path.join(tmp, 'cache', 'tscompose', 'remote'));
  assert.deepEqual(entries, [pushed.manifestDigest.replace(':', '-')], 'one cache entry, named by the manifest digest');

  const missing = await (writeFileSync(path.join(proj, 'compose.yaml'), `include:\n  - oci://${reg.host}/proj/none:1\n`), tscompose(['config', '-q'], { cwd: proj, env }));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /proj\/none:1: not found/);
  const disabled = await tscompose(['config', '-q'], { cwd: proj, env: { ...env, COMPOSE_EXPERIMENTAL_OCI_REMOTE: '0' } });
  assert.equal(disabled.code, 1);
  assert.match(disabled.stderr, /OCI remote resource is disabled/);
});
