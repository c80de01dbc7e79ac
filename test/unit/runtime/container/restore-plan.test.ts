/** restore's decisions: which containers come back after a reboot, in which order, and where the default route goes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRestoreOrder, planRestoreVerdict } from '../../../../runtime/container/restore.js';
import { planDefaultRoute } from '../../../../runtime/restore.js';
import type { ContainerMeta } from '../../../../runtime/container/meta.js';
import type { ShimState } from '../../../../runtime/types.js';
import { baseSpec } from './fixtures.js';

function state(over: Partial<ShimState> = {}): ShimState {
  return {
    id: 'x', status: 'exited', pid: 0, pidStartTime: 0, shimPid: 10, shimStartTime: 1, exitCode: 137, signal: 9, oomKilled: false,
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', restartCount: 0, stopRequested: false,
    error: 'the shim died; the container was killed with it', health: null, ...over,
  } as ShimState;
}

test('always and unless-stopped come back after the shim died; no and on-failure do not', () => {
  for (const policy of ['always', 'unless-stopped'] as const) assert.equal(planRestoreVerdict(baseSpec({ restart: { policy } }), state(), false), 'restore');
  for (const policy of ['no', 'on-failure'] as const) assert.equal(planRestoreVerdict(baseSpec({ restart: { policy } }), state(), false), 'policy');
  assert.equal(planRestoreVerdict(baseSpec(), state(), false), 'policy', 'no restart policy at all');
});

test('an explicit stop or kill, or a container that never ran, stays as it is; a live one is left alone', () => {
  const spec = baseSpec({ restart: { policy: 'always' } });
  assert.equal(planRestoreVerdict(spec, state({ stopRequested: true }), false), 'stopped');
  assert.equal(planRestoreVerdict(spec, state({ status: 'created', startedAt: '' }), false), 'stopped');
  assert.equal(planRestoreVerdict(spec, undefined, false), 'stopped');
  assert.equal(planRestoreVerdict(spec, state({ status: 'running' }), true), 'running');
  assert.equal(planRestoreVerdict(spec, state({ status: 'restarting' }), true), 'running');
});

function meta(name: string, over: Parameters<typeof baseSpec>[0] = {}): ContainerMeta {
  const spec = baseSpec({ name, id: name.padEnd(64, '0'), ...over });
  return { id: spec.id, name, labels: {}, createdAt: '2026-01-01T00:00:00Z', spec };
}

test('containers joining another container\'s namespaces are restored after it, whatever the listing order', () => {
  const sidecar = meta('sidecar', { network: { mode: 'container', container: 'app' } });
  const peer = meta('peer', { pid: { mode: 'container', container: 'sidecar' } });
  const app = meta('app');
  const lone = meta('lone', { network: { mode: 'container', container: 'not-restored' } });
  assert.deepEqual(planRestoreOrder([peer, sidecar, lone, app]).map((m) => m.name), ['lone', 'app', 'sidecar', 'peer']);
  // a cycle cannot be ordered: every member is still tried (and fails on its own)
  const a = meta('a', { network: { mode: 'container', container: 'b' } });
  const b = meta('b', { ipc: { mode: 'container', container: 'a' } });
  assert.deepEqual(planRestoreOrder([a, b]).map((m) => m.name), ['a', 'b']);
});

test('the default route goes where it was recorded, else through the first non-internal interface', () => {
  const ep = (ifname: string, defaultRoute?: boolean) => ({ containerId: 'c', containerName: 'c', aliases: [], ipv4: '10.0.0.2', ifname, hostVeth: 'v', netns: '', ports: [], rules: [], ...(defaultRoute ? { defaultRoute } : {}) });
  assert.equal(planDefaultRoute([{ network: 'a', ep: ep('eth0'), internal: false }, { network: 'b', ep: ep('eth1', true), internal: false }]), 'b');
  assert.equal(planDefaultRoute([{ network: 'b', ep: ep('eth10'), internal: false }, { network: 'i', ep: ep('eth0'), internal: true }, { network: 'a', ep: ep('eth2'), internal: false }]), 'a');
  assert.equal(planDefaultRoute([{ network: 'i', ep: ep('eth0'), internal: true }]), undefined);
});
