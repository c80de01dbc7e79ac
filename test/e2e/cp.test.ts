/**
 * `cp -a` and `cp -L` both ways, as docker compose cp: with -a (archive) every copied entry keeps its
 * source's uid/gid (files owned by non-root uids here, links included); without it the copy is root's in the
 * container and the caller's on the host. Modes and modification times are kept either way. A link given
 * as the source is copied as a link, and with -L as what it points to, under the link's own name.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tscompose } from '../helpers/cli.js';
import { e2eEnv } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const COMPOSE = `services:
  box:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;

const MTIME = 1_000_000_000; // 2001-09-09: far from "now", so a copy that drops times shows

/** `<path> <uid>:<gid> <mode>` for every entry of a host tree, links not followed, sorted. */
function hostListing(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string, rel: string) => {
    const st = fs.lstatSync(p);
    out.push(`${rel} ${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)}`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n), `${rel}/${n}`);
  };
  walk(dir, '.');
  return out.sort();
}

test('cp -a keeps uid/gid both ways, plain cp does not; -L copies what a source link points to', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-cp-'));
  e.defer(() => fs.rmSync(work, { recursive: true, force: true }));
  const cwd = path.join(work, 'project');
  fs.mkdirSync(cwd);
  fs.writeFileSync(path.join(cwd, 'compose.yaml'), COMPOSE);
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  ok(await cli(['up', '-d']), 'up -d');
  const sh = async (script: string) => ok(await cli(['exec', '-T', 'box', 'sh', '-c', script]), `exec ${script}`).stdout;
  const listing = (dir: string) => sh(`cd ${dir} && find . | sort | while read f; do stat -c "%n %u:%g %a" "$f"; done`);

  // a host tree owned by uids that exist nowhere, a link inside it, a link to it beside it
  const tree = path.join(work, 'tree');
  fs.mkdirSync(path.join(tree, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'a.txt'), 'A\n');
  fs.writeFileSync(path.join(tree, 'sub', 'b.txt'), 'B\n');
  fs.symlinkSync('a.txt', path.join(tree, 'link'));
  fs.symlinkSync(path.join(tree, 'a.txt'), path.join(work, 'hostlink'));
  const own: Array<[string, number, number, number | undefined]> = [
    ['a.txt', 1234, 2345, 0o640], ['sub/b.txt', 4321, 100, 0o604], ['sub', 4321, 4321, 0o755], ['link', 1234, 2345, undefined], ['', 1234, 2345, 0o750],
  ];
  for (const [rel, uid, gid, mode] of own) {
    const p = path.join(tree, rel);
    fs.lchownSync(p, uid, gid);
    if (mode !== undefined) fs.chmodSync(p, mode);
  }
  fs.utimesSync(path.join(tree, 'a.txt'), MTIME, MTIME);

  // host -> container
  await sh('mkdir -p /tmp/in-a /tmp/in-plain /tmp/in-L');
  ok(await cli(['cp', '-a', tree, 'box:/tmp/in-a/']), 'cp -a in');
  assert.equal(await listing('/tmp/in-a'), [
    '. 0:0 755', './tree 1234:2345 750', './tree/a.txt 1234:2345 640', './tree/link 1234:2345 777',
    './tree/sub 4321:4321 755', './tree/sub/b.txt 4321:100 604', '',
  ].join('\n'));
  assert.equal(await sh('cat /tmp/in-a/tree/a.txt /tmp/in-a/tree/sub/b.txt; readlink /tmp/in-a/tree/link; stat -c %Y /tmp/in-a/tree/a.txt'), `A\nB\na.txt\n${MTIME}\n`);
  ok(await cli(['cp', tree, 'box:/tmp/in-plain/']), 'cp in');
  assert.equal(await listing('/tmp/in-plain/tree'), [
    '. 0:0 750', './a.txt 0:0 640', './link 0:0 777', './sub 0:0 755', './sub/b.txt 0:0 604', '',
  ].join('\n'));
  // a source link: itself without -L, what it points to (under its own name) with -L
  ok(await cli(['cp', path.join(work, 'hostlink'), 'box:/tmp/']), 'cp a link in');
  ok(await cli(['cp', '--follow-link', path.join(work, 'hostlink'), 'box:/tmp/in-L/']), 'cp -L in');
  assert.equal(await sh('readlink /tmp/hostlink; test -L /tmp/in-L/hostlink || cat /tmp/in-L/hostlink; stat -c "%u:%g" /tmp/in-L/hostlink'),
    `${path.join(tree, 'a.txt')}\nA\n0:0\n`);

  // container -> host: a tree owned by non-root uids, made inside the container
  await sh('mkdir -p /tmp/out/d && echo x > /tmp/out/d/f && ln -s f /tmp/out/d/l && chown -R 1000:1001 /tmp/out'
    + ' && chown 2000:2001 /tmp/out/d/f && chown -h 3000:3001 /tmp/out/d/l && chmod 0710 /tmp/out/d && ln -s /tmp/out/d/f /tmp/abslink');
  ok(await cli(['cp', '-a', 'box:/tmp/out', path.join(work, 'out-a')]), 'cp -a out');
  assert.deepEqual(hostListing(path.join(work, 'out-a')), ['. 1000:1001 755', './d 1000:1001 710', './d/f 2000:2001 644', './d/l 3000:3001 777']);
  ok(await cli(['cp', 'box:/tmp/out', path.join(work, 'out-plain')]), 'cp out');
  assert.deepEqual(hostListing(path.join(work, 'out-plain')), ['. 0:0 755', './d 0:0 710', './d/f 0:0 644', './d/l 0:0 777']);
  assert.equal(fs.readFileSync(path.join(work, 'out-plain', 'd', 'f'), 'utf8'), 'x\n');
  assert.equal(fs.readlinkSync(path.join(work, 'out-plain', 'd', 'l')), 'f');
  // an absolute link in the container: copied as the link, or with -L as the container's file (never the host's)
  ok(await cli(['cp', 'box:/tmp/abslink', path.join(work, 'nolink')]), 'cp a link out');
  assert.equal(fs.readlinkSync(path.join(work, 'nolink')), '/tmp/out/d/f');
  fs.mkdirSync(path.join(work, 'followed'));
  ok(await cli(['cp', '-L', '-a', 'box:/tmp/abslink', path.join(work, 'followed')]), 'cp -L -a out');
  const followed = fs.lstatSync(path.join(work, 'followed', 'abslink'));
  assert.equal(followed.isFile(), true);
  assert.deepEqual([followed.uid, followed.gid], [2000, 2001]);
  assert.equal(fs.readFileSync(path.join(work, 'followed', 'abslink'), 'utf8'), 'x\n');

  // a link to nothing with -L: one clear error, exit 1
  fs.symlinkSync(path.join(work, 'missing'), path.join(work, 'dangling'));
  const dangling = await cli(['cp', '-L', path.join(work, 'dangling'), 'box:/tmp/']);
  assert.equal(dangling.code, 1);
  assert.match(dangling.stderr, /dangling: the link points to nothing/);
});
