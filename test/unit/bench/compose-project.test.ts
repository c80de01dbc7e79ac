/** bench/compose's pure parts: the generated project (as the peers' gen-compose.sh) and the memory accounting. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { benchCompose, classify, summarizeMemory, type ProcInfo } from '../../../bench/compose/project.js';
import { loadProject } from '../../../src/compose/load.js';

test('the generated project has N services on one network and one published port', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsc-bench-gen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'compose.yaml');
  writeFileSync(file, benchCompose(30, 'busybox:bench', 18123));
  const p = await loadProject({ cwd: dir, configFiles: [{ path: file }], environment: {} });
  const services = Object.values(p.services);
  assert.equal(services.length, 30);
  assert.deepEqual(Object.keys(p.services).slice(0, 3), ['web', 's002', 's003']);
  assert.ok(services.every((s) => s.image === 'busybox:bench' && Object.keys(s.networks ?? {}).join() === 'benchnet'));
  assert.deepEqual(services.flatMap((s) => (s.ports ?? []).map((x) => [x.target, x.published])), [[80, '18123']]);
  assert.deepEqual(p.services.s030!.command, ['sleep', '3600']);
});

const proc = (pid: number, exe: string, args: string, rssKiB: number, pssKiB = rssKiB / 4): ProcInfo => ({ pid, ppid: 1, exe, args, rssKiB, pssKiB });

test('memory: tscompose counts only its shims and resolvers under this root; docker its daemons; never the workloads', () => {
  const root = '/tmp/tsc-bench-compose-x/root';
  const procs = [
    proc(10, 'tscompose-shim', `/b/tscompose-shim create ${root}/containers/aa`, 800),
    proc(11, 'tscompose-shim', `/b/tscompose-shim create ${root}/containers/bb`, 900),
    proc(12, 'tscompose-dns', `/b/tscompose-dns ${root}/networks/p_benchnet.names 10.201.0.1 53`, 700),
    proc(13, 'tscompose-shim', '/b/tscompose-shim create /tmp/other-root/containers/cc', 5000),
    proc(14, 'sleep', 'sleep 3600', 300),
    proc(20, 'dockerd', 'dockerd', 90_000),
    proc(21, 'containerd-shim-runc-v2', 'containerd-shim-runc-v2 -namespace moby', 13_000),
  ];
  assert.equal(classify(procs[3]!, 'tscompose', root), undefined, 'another root');
  assert.equal(classify(procs[4]!, 'tscompose', root), undefined, 'a workload');
  const m = summarizeMemory(procs, 'tscompose', root, 2);
  assert.deepEqual(m.byClass, { shim: { count: 2, rssKiB: 1700, pssKiB: 425 }, resolver: { count: 1, rssKiB: 700, pssKiB: 175 } });
  assert.equal(m.totalRssKiB, 2400);
  assert.equal(m.rssMiBPerContainer, Math.round((2400 / 1024 / 2) * 100) / 100);
  const d = summarizeMemory(procs, 'docker-compose', root, 1);
  assert.deepEqual(Object.keys(d.byClass).sort(), ['containerd-shim', 'dockerd']);
  assert.equal(d.totalRssKiB, 103_000);
});
