import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planHostProblems } from '../../../runtime/sys/prerequisites.js';
import type { HostFacts } from '../../../runtime/sys/host-facts.js';
import { pathsFor } from '../../../runtime/store/paths.js';

const good: HostFacts = {
  euid: 0, filesystems: ['ext4', 'overlay', 'tmpfs'], cgroups: 'v1',
  cgroupControllers: ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'],
  iptables: '/usr/sbin/iptables', ip: '/usr/sbin/ip', addon: 'abi 1', shim: 'tscompose-shim 0.1.0', ipForward: '1',
};

test('a complete host has no problems', () => {
  assert.deepEqual(planHostProblems(good), []);
});

test('each missing prerequisite is one line with a fix', () => {
  const problems = planHostProblems({ ...good, euid: 1000, filesystems: ['ext4'], iptables: null, cgroups: 'v2', cgroupControllers: ['cpu'] });
  assert.deepEqual(problems.map((p) => p.check), ['root', 'overlayfs', 'cgroups', 'iptables']);
  assert.match(problems[3]!.fix, /apt-get install iptables/);
  assert.match(problems[2]!.message, /memory, pids/);
});

test('TSCOMPOSE_ROOT moves state and runtime state under it', () => {
  assert.equal(pathsFor({}).root, '/var/lib/tscompose');
  assert.equal(pathsFor({}).run, '/run/tscompose');
  const p = pathsFor({ TSCOMPOSE_ROOT: '/tmp/x' });
  assert.equal(p.root, '/tmp/x');
  assert.equal(p.run, '/tmp/x/run');
  assert.equal(p.volumes, '/tmp/x/volumes');
});
