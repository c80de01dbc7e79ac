/**
 * Attach 30 network namespaces (standing in for containers) to one network and report ms per attach:
 * veth pair, address, routes and the discovery registration (the network record the resolver reads).
 * Also: detach, and the time until a new name answers through the resolver. Needs root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { median, report, round } from '../lib/measure.js';

const N = Number(process.env.BENCH_NETWORK_N ?? 30);
const root = mkdtempSync(path.join(tmpdir(), 'tsc-bench-net-'));
process.env.TSCOMPOSE_ROOT = root;
const { createNetwork, removeNetwork } = await import('../../runtime/network/network.js');
const { attachNetwork, detachNetwork } = await import('../../runtime/network/endpoint.js');

const forwardBefore = execFileSync('cat', ['/proc/sys/net/ipv4/ip_forward']).toString().trim();
const tag = randomBytes(3).toString('hex');
const nets = Array.from({ length: N }, (_, i) => `tsc-b${tag}${i}`);
const netName = `bench${tag}_default`;
const attachMs: number[] = [];
const detachMs: number[] = [];
const visibleMs: number[] = [];
let created = false;
try {
  for (const ns of nets) execFileSync('ip', ['netns', 'add', ns]);
  const t0 = process.hrtime.bigint();
  const rec = await createNetwork({ name: netName });
  const createMs = Number(process.hrtime.bigint() - t0) / 1e6;
  created = true;
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = randomBytes(32).toString('hex');
    ids.push(id);
    const s = process.hrtime.bigint();
    await attachNetwork({ network: netName, netns: `/run/netns/${nets[i]}`, containerId: id, containerName: `bench-web-${i + 1}`, aliases: ['web'] });
    attachMs.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (i % 10 === 9) {
      // how soon the new name answers (query from the previous container's netns)
      const v = process.hrtime.bigint();
      const r = spawnSync('ip', ['netns', 'exec', nets[0]!, 'busybox', 'nslookup', '-type=a', `bench-web-${i + 1}`, rec.gateway], { encoding: 'utf8' });
      if (!r.stdout.includes('Name:')) throw new Error(`bench-web-${i + 1} not resolvable: ${r.stdout}${r.stderr}`);
      visibleMs.push(Number(process.hrtime.bigint() - v) / 1e6);
    }
  }
  for (const id of ids) {
    const s = process.hrtime.bigint();
    await detachNetwork(netName, id);
    detachMs.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  report('network', {
    containers: N,
    method: 'one netlink call through the addon (veth pair, address, routes in the netns; ip -batch + nsenter when the addon lacks it), registration = network record written tmp+rename (no fsync)',
    createNetworkMs: round(createMs),
    attachMedianMs: round(median(attachMs)),
    attachMinMs: round(Math.min(...attachMs)),
    attachMaxMs: round(Math.max(...attachMs)),
    detachMedianMs: round(median(detachMs)),
    nslookupOfNewNameMs: visibleMs.map((x) => round(x)),
    goalMsPerAttach: 5,
  });
} finally {
  if (created) await removeNetwork(netName, { force: true }).catch((e) => console.error(e));
  for (const ns of nets) spawnSync('ip', ['netns', 'del', ns]);
  execFileSync('sh', ['-c', `echo ${forwardBefore} > /proc/sys/net/ipv4/ip_forward`]);
  rmSync(root, { recursive: true, force: true });
}
