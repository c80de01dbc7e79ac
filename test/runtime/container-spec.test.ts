/**
 * ContainerSpec knobs observed from inside real containers (root): Docker's security defaults and what
 * privileged / no-new-privileges change, limits (memory OOM, pids), read_only, tmpfs, user, working_dir, env,
 * ulimits, sysctls, restart on-failure with its count, log rotation, and health status transitions.
 * Each container is built by buildOciConfig/buildShimOptions and run by the real shim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { containerBed, eventually } from './container-bed.js';

const { rt, leakOpts, spec, owned } = await containerBed('container-spec', 'cspec');
type ContainerSpec = import('../../runtime/index.js').ContainerSpec;


async function runToExit(s: ContainerSpec, timeoutMs = 30_000): Promise<{ code: number; out: string; oomKilled: boolean }> {
  await rt.createContainer(s, { start: true });
  const r = await rt.waitContainer(s.id, { timeoutMs });
  let out = '';
  for await (const e of rt.readLogs(s.id)) out += e.log;
  return { code: r.exitCode, out, oomKilled: r.oomKilled };
}


const SECURITY_PROBE = [
  'grep -E "^(CapEff|NoNewPrivs):" /proc/self/status',
  // proc files report size 0: read a byte to tell a masked (empty /dev/null) file from the real one
  'test "$(head -c1 /proc/timer_list | wc -c)" = 1 && echo timer_list=visible || echo timer_list=hidden',
  'mount -t tmpfs t /tmp 2>/dev/null && umount /tmp && echo mount=ok || echo mount=denied',
  'unshare -n true 2>/dev/null && echo unshare=ok || echo unshare=denied',
  'mknod /tmp/disk b 8 0 2>/dev/null; head -c1 /tmp/disk >/dev/null 2>&1 && echo disk=open || echo disk=denied',
].join('; ');

test('default security matches docker: masked /proc/timer_list, mount/unshare denied, a disk node cannot be opened', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const r = await runToExit(owned(guard, spec(['sh', '-c', SECURITY_PROBE])));
  assert.match(r.out, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(r.out, /^NoNewPrivs:\s+0$/m);
  for (const line of ['timer_list=hidden', 'mount=denied', 'unshare=denied', 'disk=denied']) assert.match(r.out, new RegExp(`^${line}$`, 'm'));
});

test('privileged lifts the limits; no-new-privileges sets NoNewPrivs 1', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const p = await runToExit(owned(guard, spec(['sh', '-c', SECURITY_PROBE], { privileged: true })));
  assert.doesNotMatch(p.out, /^CapEff:\s+00000000a80425fb$/m);
  assert.match(p.out, /^timer_list=visible$/m);
  assert.match(p.out, /^mount=ok$/m);
  assert.match(p.out, /^unshare=ok$/m);
  const n = await runToExit(owned(guard, spec(['sh', '-c', 'grep NoNewPrivs /proc/self/status'], { securityOpt: ['no-new-privileges:true'] })));
  assert.match(n.out, /^NoNewPrivs:\s+1$/m);
});

test('read_only, tmpfs, user, working_dir, env, ulimits and sysctls are observable inside', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const probe = 'touch /rootfile 2>/dev/null && echo root=rw || echo root=ro; touch /run/x && echo run=rw; echo uid=$(id -u) gid=$(id -g); echo cwd=$(pwd); echo env=$MODE; echo nofile=$(ulimit -n); echo port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)';
  const r = await runToExit(owned(guard, spec(['sh', '-c', probe], {
    readOnly: true, tmpfs: ['/run:mode=1777'], user: '1000:1000', workingDir: '/home/user', env: ['MODE=prod'],
    ulimits: { nofile: { soft: 1024, hard: 2048 } }, sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80' },
  })));
  assert.equal(r.code, 0, r.out);
  for (const line of ['root=ro', 'run=rw', 'uid=1000 gid=1000', 'cwd=/home/user', 'env=prod', 'nofile=1024', 'port=80']) assert.match(r.out, new RegExp(`^${line}$`, 'm'), r.out);
});

test('mem_limit kills a memory hog: exit 137 and OOMKilled; pids_limit stops a fork bomb', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  // tail buffers its whole input while looking for a newline that /dev/zero never sends
  const hog = await runToExit(owned(guard, spec(['tail', '/dev/zero'], { memLimit: 32 * 1024 * 1024 })));
  assert.equal(hog.code, 137);
  assert.equal(hog.oomKilled, true);
  const bomb = await runToExit(owned(guard, spec(['sh', '-c', 'i=0; while [ $i -lt 40 ]; do sleep 2 & i=$((i+1)); done; wait'], { pidsLimit: 10 })));
  assert.match(bomb.out, /can't fork|Resource temporarily unavailable/);
});

test('restart on-failure:3 restarts exactly 3 times with backoff, without any CLI', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'echo try; exit 2'], { restart: { policy: 'on-failure', maxRetries: 3 } }));
  const t0 = Date.now();
  const r = await runToExit(s, 60_000);
  assert.equal(r.code, 2);
  assert.equal(r.out, 'try\ntry\ntry\ntry\n');
  assert.ok(Date.now() - t0 >= 700, 'backoff 100+200+400 ms');
  assert.equal((rt.inspectContainer(s.id) as { RestartCount: number }).RestartCount, 3);
});

test('logs rotate at max-size and keep max-file files; reading spans the rotated files in order', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done'], { logging: { maxSize: 2000, maxFile: 2 } }));
  const r = await runToExit(s);
  const log = path.join(rt.paths().containers, s.id, `${s.id}-json.log`);
  assert.ok(fs.existsSync(`${log}.1`));
  assert.equal(fs.existsSync(`${log}.2`), false);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.at(-1), 'line299');
  const nums = lines.map((l) => Number(l.slice(4)));
  assert.deepEqual(nums, nums.slice().sort((a, b) => a - b), 'entries come oldest first');
  assert.ok(lines.length < 300, 'the oldest entries were rotated away');
});

test('health goes starting -> healthy -> unhealthy as its check changes', { skip: needsRoot }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const s = owned(guard, spec(['sh', '-c', 'sleep 1; touch /tmp/ok; sleep 2; rm /tmp/ok; sleep 100'], {
    healthcheck: { test: ['CMD-SHELL', 'test -f /tmp/ok'], intervalMs: 200, timeoutMs: 1000, retries: 2, startPeriodMs: 3000, startIntervalMs: 200 },
  }));
  await rt.createContainer(s, { start: true });
  const health = (): string | undefined => (rt.inspectContainer(s.id) as { State: { Health?: { Status: string } } }).State.Health?.Status;
  const seen: string[] = [];
  await eventually('unhealthy', () => {
    const h = health();
    if (h && seen.at(-1) !== h) seen.push(h);
    return h === 'unhealthy';
  }, 30_000);
  // failures inside start_period do not count, so the first second's failing checks leave it "starting"
  assert.deepEqual(seen, ['starting', 'healthy', 'unhealthy']);
  await rt.stopContainer(s.id, { timeoutMs: 100 });
});
