/**
 * `build:` end to end on the kit's busybox: `up -d` builds a multi-stage Dockerfile (global and stage ARGs
 * with a compose args override, ENV, RUN writing files and deleting a base image file, COPY with
 * .dockerignore, --chown and --chmod, COPY --from, ADD of a local archive, WORKDIR, USER, CMD) and the
 * running container shows each effect;
 * `up -d --build` with nothing changed is all CACHED and keeps the container; a changed source file
 * rebuilds and recreates; a failing RUN fails with docker's wording and leaves no image, snapshot,
 * container or mount behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tscompose } from '../helpers/cli.js';
import { ok } from '../helpers/cli-assert.js';
import { e2eEnv } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';

const DOCKERFILE = `# escape=\\
ARG VERSION=1.0
FROM busybox AS builder
ARG GREETING=hello
ARG VERSION
ENV MSG="$GREETING world" \\
    OUT=/out
WORKDIR $OUT
RUN echo "$MSG" > greeting.txt && echo "v\${VERSION}" > version.txt
RUN mkdir -p /opq/gone && touch /opq/old /opq/gone/x
RUN rm -rf /opq && mkdir /opq && touch /opq/new

FROM busybox
COPY --from=builder /out/ /app/
COPY --chown=1000:1000 src/ /app/src/
COPY --from=builder /opq /app/opq/
ADD bundle.tgz /opt/bundle/
COPY --chmod=600 src/keep.key /app/key
RUN rm /bin/vi && mkdir /data && echo made > /data/made.txt
WORKDIR /app
USER 1000
CMD ["sh", "-c", "echo started; exec sleep 3600"]
`;

const COMPOSE = `services:
  web:
    build:
      context: .
      args:
        GREETING: hi
`;

function listDir(dir: string): string[] {
  try { return fs.readdirSync(dir).sort(); } catch { return []; }
}

test('build: up builds a multi-stage Dockerfile, caches, rebuilds on change, and a failing RUN leaves nothing', { skip: needsRoot, timeout: 600_000 }, async (t) => {
  const e = await e2eEnv(t);
  await loadKitImages(e.env, 'busybox');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsc-build-'));
  e.defer(() => rm(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'src/*.key\n!src/keep.key\n**/*.tmp\n');
  fs.mkdirSync(path.join(dir, 'src', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'main.txt'), 'one\n');
  fs.writeFileSync(path.join(dir, 'src', 'secret.key'), 'secret\n');
  fs.writeFileSync(path.join(dir, 'src', 'keep.key'), 'kept\n');
  fs.writeFileSync(path.join(dir, 'src', 'sub', 'scratch.tmp'), 'tmp\n');
  fs.mkdirSync(path.join(dir, 'bundle', 'inner'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bundle', 'inner', 'a.txt'), 'from the archive\n');
  execFileSync('tar', ['-czf', path.join(dir, 'bundle.tgz'), '-C', path.join(dir, 'bundle'), 'inner']);
  const cli = (args: string[]) => tscompose(['-p', e.project, '--progress', 'plain', ...args], { cwd: dir, env: e.env, timeoutMs: 240_000 });
  e.defer(() => cli(['down', '-t', '0']));
  const sh = async (cmd: string) => ok(await cli(['exec', '-T', 'web', 'sh', '-c', cmd]), `exec ${cmd}`).stdout.trim();

  // up -d builds the missing image and starts it
  const up1 = ok(await cli(['up', '-d']), 'first up');
  assert.match(up1.stderr, /^#\d+ \[web builder \d\/\d\] RUN echo "\$MSG" > greeting.txt/m);
  assert.match(up1.stderr, new RegExp(`^#\\d+ naming to ${e.project}-web done$`, 'm'));
  assert.doesNotMatch(up1.stderr, /CACHED/);
  assert.equal(await sh('id -u'), '1000');
  assert.equal(await sh('pwd'), '/app');
  assert.equal(await sh('cat /app/greeting.txt /app/version.txt'), 'hi world\nv1.0');
  assert.equal(await sh('test -e /bin/vi && echo present || echo gone'), 'gone', 'the whiteout hides the deleted base file');
  assert.equal(await sh('test -e /bin/ls && echo present'), 'present');
  assert.equal(await sh('cat /data/made.txt'), 'made');
  assert.equal(await sh('cat /opt/bundle/inner/a.txt'), 'from the archive', 'ADD extracts a local archive');
  assert.equal(await sh('stat -c %a:%u /app/key'), '600:0');
  assert.equal(await sh('ls -A /app/opq | tr "\\n" " "'), 'new', 'a dir removed and made again is opaque: nothing of the lower one shows');
  assert.equal(await sh('stat -c %u:%g /app/src/main.txt /app/src/sub'), '1000:1000\n1000:1000');
  assert.equal(await sh('ls -A /app/src /app/src/sub | tr "\\n" " "'), '/app/src: keep.key main.txt sub  /app/src/sub:');
  assert.equal(await sh('echo "$MSG|$GREETING|$OUT"'), '||', 'ENV of the builder stage does not leak into the final image');
  const logs = await cli(['logs', 'web']);
  assert.match(logs.stdout, /started/);
  const inspect = ok(await tscompose(['image', 'inspect', `${e.project}-web`], { env: e.env }), 'image inspect').stdout;
  assert.match(inspect, new RegExp(`"com\\.docker\\.compose\\.project":\\s*"${e.project}"`));
  assert.match(inspect, /"com\.docker\.compose\.service":\s*"web"/);

  // nothing changed: every layer step is CACHED, the image id stays, the container is kept
  await sh('echo here > /tmp/marker');
  const up2 = ok(await cli(['up', '-d', '--build']), 'up --build, unchanged');
  assert.equal((up2.stderr.match(/^#\d+ CACHED$/gm) ?? []).length, 10, up2.stderr);
  assert.equal(await sh('cat /tmp/marker'), 'here', 'an unchanged rebuild must not recreate the container');

  // a copied file changed: the COPY and the steps after it are rebuilt and the container recreated
  fs.writeFileSync(path.join(dir, 'src', 'main.txt'), 'two\n');
  const up3 = ok(await cli(['up', '-d', '--build']), 'up --build after a change');
  assert.equal((up3.stderr.match(/^#\d+ CACHED$/gm) ?? []).length, 5, up3.stderr);
  assert.equal(await sh('cat /app/src/main.txt'), 'two');
  assert.equal(await sh('test -e /tmp/marker && echo kept || echo recreated'), 'recreated');

  // build: -q prints nothing; --no-cache runs every step again; --build-arg wins over compose args, and
  // the next up recreates the container on the rebuilt image
  const q = ok(await cli(['build', '-q']), 'build -q');
  assert.equal(q.stdout + q.stderr, '');
  const nc = ok(await cli(['build', '--no-cache']), 'build --no-cache');
  assert.doesNotMatch(nc.stderr, /CACHED/);
  assert.match(nc.stderr, /^ Service web Built$/m);
  ok(await cli(['build', '--build-arg', 'GREETING=yo', 'web']), 'build --build-arg');
  ok(await cli(['up', '-d']), 'up after build');
  assert.equal(await sh('cat /app/greeting.txt'), 'yo world');

  // a failing RUN: docker's wording, exit 1, and nothing new left in the store
  const images = listDir(path.join(e.root, 'images'));
  const snapshots = listDir(path.join(e.root, 'snapshots'));
  const containers = listDir(path.join(e.root, 'containers'));
  const blobs = listDir(path.join(e.root, 'blobs', 'sha256'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE.replace('WORKDIR /app\n', 'WORKDIR /app\nRUN echo more > /more.txt\nRUN false\n'));
  const bad = await cli(['build']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /failed to solve: process "\/bin\/sh -c false" did not complete successfully: exit code: 1/);
  assert.deepEqual(listDir(path.join(e.root, 'images')), images);
  assert.deepEqual(listDir(path.join(e.root, 'snapshots')), snapshots);
  assert.deepEqual(listDir(path.join(e.root, 'containers')), containers);
  assert.deepEqual(listDir(path.join(e.root, 'blobs', 'sha256')), blobs);
  assert.deepEqual(listDir(path.join(e.root, 'tmp')).filter((n) => n.startsWith('build-')), []);
});
