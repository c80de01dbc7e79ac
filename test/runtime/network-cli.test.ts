/** `network` and `volume` commands through the built CLI (needs root for bridges and iptables). */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck } from '../helpers/leak-check.js';
import { tscompose } from '../helpers/cli.js';

const leakOpts = { ignore: [/flock .*tscompose-e2e-host\.lock/, /^process \d+ \S+ \(ppid 1, zombie\)/] };
const FORWARD_FILE = '/proc/sys/net/ipv4/ip_forward';
const forwardBefore = needsRoot ? '' : readFileSync(FORWARD_FILE, 'utf8').trim();
after(() => { if (!needsRoot) writeFileSync(FORWARD_FILE, forwardBefore); });

test('network create, ls, inspect, rm, prune; bad input exits 1 naming the network, host unchanged', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const root = mkdtempSync(path.join(tmpdir(), 'tsc-netcli-'));
  const env = { TSCOMPOSE_ROOT: root };
  const r = randomBytes(3).toString('hex');
  const third = 16 + (randomBytes(1)[0]! % 200);
  const name = `cli${r}_front`;
  guard.defer(() => rmSync(root, { recursive: true, force: true }));
  guard.defer(() => tscompose(['network', 'rm', name, `cli${r}_spare`], { env }));

  const created = await tscompose(['network', 'create', '--subnet', `10.206.${third}.0/24`, '--label', 'com.docker.compose.project=cli', '-o', 'com.docker.network.driver.mtu=1300', name], { env });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
  const ls = await tscompose(['network', 'ls'], { env });
  assert.match(ls.stdout, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
  assert.match(ls.stdout, new RegExp(`${created.stdout.slice(0, 12)}\\s+${name}\\s+bridge\\s+local`));
  const inspect = JSON.parse((await tscompose(['network', 'inspect', name], { env })).stdout) as Array<Record<string, any>>;
  assert.equal(inspect[0]!.IPAM.Config[0].Subnet, `10.206.${third}.0/24`);
  assert.equal(inspect[0]!.Labels['com.docker.compose.project'], 'cli');
  const device = inspect[0]!.Options['com.docker.network.bridge.name'] as string;
  assert.equal(readFileSync(`/sys/class/net/${device}/mtu`, 'utf8').trim(), '1300');
  assert.ok(inspect[0]!.Resolver);

  const links = execFileSync('ip', ['-o', 'link']).toString();
  const clash = await tscompose(['network', 'create', '--subnet', `10.206.${third}.0/25`, `cli${r}_clash`], { env });
  assert.equal(clash.code, 1);
  assert.match(clash.stderr, new RegExp(`network "cli${r}_clash": subnet 10\\.206\\.${third}\\.0/25 overlaps 10\\.206\\.${third}\\.0/24 \\(network "${name}"\\)`));
  const v6 = await tscompose(['network', 'create', '--ipv6', `cli${r}_v6`], { env });
  assert.equal(v6.code, 1);
  assert.match(v6.stderr, /enable_ipv6 is not supported yet/);
  assert.equal(execFileSync('ip', ['-o', 'link']).toString(), links, 'refused creates made no links');

  assert.equal((await tscompose(['network', 'create', `cli${r}_spare`], { env })).code, 0);
  const pruned = await tscompose(['network', 'prune', '-f', '--filter', 'label=com.docker.compose.project=cli'], { env });
  assert.equal(pruned.stdout, `Deleted Networks:\n${name}\n`);
  const rm = await tscompose(['network', 'rm', `cli${r}_spare`], { env });
  assert.equal(rm.code, 0);
  const again = await tscompose(['network', 'rm', `cli${r}_spare`], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`remove network "cli${r}_spare": no such network`));
  assert.equal((await tscompose(['network', 'ls', '-q'], { env })).stdout, '');
});

test('volume create, ls, volumes (per project), inspect, prune', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  await withLeakCheck(t, leakOpts);
  const root = mkdtempSync(path.join(tmpdir(), 'tsc-volcli-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = { TSCOMPOSE_ROOT: root };
  assert.equal((await tscompose(['volume', 'create', '--label', 'com.docker.compose.project=shop', 'shop_db'], { env })).stdout, 'shop_db\n');
  assert.equal((await tscompose(['volume', 'create', '--label', 'com.docker.compose.project=blog', 'blog_db'], { env })).code, 0);
  const bad = await tscompose(['volume', 'create', '-o', 'type=none', '-o', 'device=/x', 'bad'], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /volume "bad": driver_opts type=none needs o=bind/);
  assert.equal((await tscompose(['volume', 'ls'], { env })).stdout, 'DRIVER   VOLUME NAME\nlocal    blog_db\nlocal    shop_db\n');
  assert.equal((await tscompose(['-p', 'shop', 'volumes', '-q'], { env })).stdout, 'shop_db\n');
  const insp = JSON.parse((await tscompose(['volume', 'inspect', 'shop_db'], { env })).stdout) as Array<{ Mountpoint: string }>;
  assert.equal(insp[0]!.Mountpoint, path.join(root, 'volumes', 'shop_db', '_data'));
  assert.equal((await tscompose(['volume', 'prune', '-f'], { env })).stdout, '', 'named volumes survive a plain prune');
  assert.equal((await tscompose(['volume', 'prune', '-f', '-a'], { env })).stdout, 'Deleted Volumes:\nblog_db\nshop_db\n');
});
