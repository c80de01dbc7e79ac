// The addon's attachVeth against the real kernel, on a bridge and network namespaces this test creates
// (own unique names, removed afterwards): the resulting links, addresses and routes, all-or-nothing on
// failure, the calling thread left in its own netns, and the same end state as the `ip` fallback.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadAddon, type NativeVethSpec } from '../../../../runtime/sys/native.js';
import { execCreateVeth, execRemoveVeth } from '../../../../runtime/network/veth.js';
import { needsRoot } from '../../../helpers/root.js';

const tag = randomBytes(3).toString('hex');
const bridge = `tnb-${tag}`;
// a /24 no route on this host uses yet (another run of this test may hold one)
const routed = needsRoot ? '' : execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
const octet = [...Array(150).keys()].map((i) => 100 + ((parseInt(tag.slice(0, 2), 16) + i) % 150)).find((o) => !routed.includes(`10.251.${o}.`))!;
const subnet = { gateway: `10.251.${octet}.1`, prefix: 24, host: (n: number) => `10.251.${octet}.${n}` };
const namespaces: string[] = [];
let ready = false;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}
function ipJson<T>(netns: string | null, ...args: string[]): T {
  const argv = netns ? ['-n', netns, '-j', ...args] : ['-j', ...args];
  return JSON.parse(ip(...argv)) as T;
}
function newNetns(): { name: string; file: string } {
  const name = `tnn-${tag}-${namespaces.length}`;
  ip('netns', 'add', name);
  namespaces.push(name);
  return { name, file: `/run/netns/${name}` };
}
function linkExists(name: string): boolean {
  return fs.existsSync(`/sys/class/net/${name}`);
}
function attach() {
  const a = loadAddon();
  assert.equal(typeof a.attachVeth, 'function', 'addon exports attachVeth');
  return (spec: NativeVethSpec) => a.attachVeth!(spec);
}

interface Link { ifname: string; address: string; mtu: number; flags: string[]; master?: string; operstate: string }
interface Addr { ifname: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }
interface Route { dst: string; gateway?: string; dev: string }

before(() => {
  if (needsRoot) return;
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', `${subnet.gateway}/${subnet.prefix}`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  ready = true;
});
after(() => {
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns]);
  if (ready) spawnSync('ip', ['link', 'del', bridge]);
});

test('attachVeth builds the whole leg: host end on the bridge, peer configured inside the netns', { skip: needsRoot }, () => {
  const ns = newNetns();
  const hostVeth = `tnv-${tag}a`;
  const threadNetns = fs.readlinkSync('/proc/thread-self/ns/net');
  attach()({ bridge, netns: ns.file, hostVeth, ifname: 'eth0', address: subnet.host(2), prefix: 24, mac: '02:42:0a:fb:00:02', mtu: 1400, gateway: subnet.gateway });
  assert.equal(fs.readlinkSync('/proc/thread-self/ns/net'), threadNetns, 'the calling thread is back in its own netns');

  const [host] = ipJson<Link[]>(null, 'link', 'show', hostVeth);
  assert.equal(host!.master, bridge);
  assert.ok(host!.flags.includes('UP'));
  assert.equal(host!.mtu, 1400);
  assert.equal(fs.readFileSync(`/sys/class/net/${hostVeth}/brport/hairpin_mode`, 'utf8').trim(), '1');

  const links = ipJson<Link[]>(ns.name, 'link', 'show');
  const eth0 = links.find((l) => l.ifname === 'eth0');
  assert.ok(eth0, 'the peer has its final name inside the netns');
  assert.equal(eth0.address, '02:42:0a:fb:00:02');
  assert.equal(eth0.mtu, 1400);
  assert.ok(eth0.flags.includes('UP'));
  assert.ok(links.find((l) => l.ifname === 'lo')!.flags.includes('UP'), 'lo is up');
  const v4 = ipJson<Addr[]>(ns.name, 'addr', 'show', 'dev', 'eth0')[0]!.addr_info.filter((a) => a.family === 'inet');
  assert.deepEqual(v4.map((a) => `${a.local}/${a.prefixlen}`), [`${subnet.host(2)}/24`]);
  const def = ipJson<Route[]>(ns.name, 'route', 'show', 'default');
  assert.deepEqual(def.map((r) => [r.gateway, r.dev]), [[subnet.gateway, 'eth0']]);

  // the leg carries traffic (busybox is optional on a developer's machine)
  const ping = spawnSync('ip', ['netns', 'exec', ns.name, 'busybox', 'ping', '-c', '1', '-W', '5', subnet.gateway], { encoding: 'utf8' });
  if (!ping.error) assert.equal(ping.status, 0, `ping the gateway from the netns: ${ping.stdout}${ping.stderr}`);
  execFileSync('ip', ['link', 'del', hostVeth]);
});

test('without gateway and mtu no default route is added and the defaults stay', { skip: needsRoot }, () => {
  const ns = newNetns();
  const hostVeth = `tnv-${tag}b`;
  attach()({ bridge, netns: ns.file, hostVeth, ifname: 'eth3', address: subnet.host(3), prefix: 24, hairpin: false });
  assert.deepEqual(ipJson<Route[]>(ns.name, 'route', 'show', 'default'), []);
  assert.equal(ipJson<Link[]>(ns.name, 'link', 'show', 'eth3')[0]!.mtu, 1500);
  assert.equal(fs.readFileSync(`/sys/class/net/${hostVeth}/brport/hairpin_mode`, 'utf8').trim(), '0');
  execFileSync('ip', ['link', 'del', hostVeth]);
});

test('a failing step deletes the pair and the error names the step and the object', { skip: needsRoot }, () => {
  const ns = newNetns();
  const hostVeth = `tnv-${tag}c`;
  assert.throws(
    () => attach()({ bridge, netns: ns.file, hostVeth, ifname: 'eth0', address: subnet.host(4), prefix: 24, gateway: '10.252.9.1' }),
    (e: NodeJS.ErrnoException) => {
      assert.equal(e.code, 'ENETUNREACH');
      assert.match(e.message, /^add default route via 10\.252\.9\.1 dev eth0 in \/run\/netns\/tnn-.*: Network is unreachable/);
      return true;
    },
  );
  assert.equal(linkExists(hostVeth), false, 'host end removed');
  assert.equal(ipJson<Link[]>(ns.name, 'link', 'show').some((l) => l.ifname === 'eth0'), false, 'peer removed');
});

test('missing bridge or netns and a taken name fail before or without leaving anything', { skip: needsRoot }, () => {
  const ns = newNetns();
  const run = attach();
  const base = { bridge, netns: ns.file, ifname: 'eth0', address: subnet.host(5), prefix: 24 };
  assert.throws(() => run({ ...base, bridge: `tnx-${tag}`, hostVeth: `tnv-${tag}d` }), { code: 'ENODEV', message: `find bridge tnx-${tag}: No such device` });
  assert.throws(() => run({ ...base, netns: `/run/netns/tnx-${tag}`, hostVeth: `tnv-${tag}d` }), { code: 'ENOENT' });
  assert.throws(() => run({ ...base, netns: '/proc/self/ns/uts', hostVeth: `tnv-${tag}d` }), {
    code: 'EINVAL', message: 'open netlink socket in /proc/self/ns/uts: Invalid argument',
  });
  assert.equal(linkExists(`tnv-${tag}d`), false);
  run({ ...base, hostVeth: `tnv-${tag}d` });
  assert.throws(() => run({ ...base, address: subnet.host(6), hostVeth: `tnv-${tag}e` }), (e: NodeJS.ErrnoException) => {
    assert.equal(e.code, 'EEXIST');
    assert.match(e.message, new RegExp(`^create veth tnv-${tag}e \\(peer eth0 in /run/netns/tnn-`));
    return true;
  });
  assert.equal(linkExists(`tnv-${tag}e`), false);
  assert.throws(() => run({ ...base, hostVeth: `tnv-${tag}f`, address: '10.1.2' }), TypeError);
  assert.throws(() => run({ ...base, hostVeth: `tnv-${tag}f`, mac: 'zz:00' }), TypeError);
  assert.throws(() => run({ ...base, hostVeth: 'a-name-longer-than-15' }), TypeError);
  execFileSync('ip', ['link', 'del', `tnv-${tag}d`]);
});

test('execCreateVeth: the addon and the ip fallback leave the same state', { skip: needsRoot }, async () => {
  function summary(ns: string, hostVeth: string) {
    const [host] = ipJson<Link[]>(null, 'link', 'show', hostVeth);
    const inner = ipJson<Link[]>(ns, 'link', 'show', 'eth1')[0]!;
    return {
      master: host!.master, hostUp: host!.flags.includes('UP'), hostMtu: host!.mtu,
      hairpin: fs.readFileSync(`/sys/class/net/${hostVeth}/brport/hairpin_mode`, 'utf8').trim(),
      mac: inner.address, mtu: inner.mtu, up: inner.flags.includes('UP'),
      lo: ipJson<Link[]>(ns, 'link', 'show', 'lo')[0]!.flags.includes('UP'),
      addrs: ipJson<Addr[]>(ns, 'addr', 'show', 'dev', 'eth1')[0]!.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.prefixlen}`),
      routes: ipJson<Route[]>(ns, 'route', 'show').map((r) => `${r.dst} ${r.gateway ?? '-'} ${r.dev}`).sort(),
    };
  }
  const plan = (n: number, netns: string) => ({
    hostVeth: `tnv-${tag}${n}`, bridge, netns, ifname: 'eth1', address: subnet.host(10 + n), prefix: 24,
    mac: `02:42:0a:fb:01:0${n}`, mtu: 1450, gateway: subnet.gateway,
  });
  const a = newNetns();
  const b = newNetns();
  await execCreateVeth('test native', plan(1, a.file));
  await execCreateVeth('test ip', plan(2, b.file), null);
  try {
    const native = summary(a.name, plan(1, a.file).hostVeth);
    const viaIp = summary(b.name, plan(2, b.file).hostVeth);
    assert.equal(native.mac, '02:42:0a:fb:01:01');
    assert.equal(viaIp.mac, '02:42:0a:fb:01:02');
    assert.deepEqual({ ...native, mac: '' }, { ...viaIp, mac: '' });
  } finally {
    await execRemoveVeth(plan(1, a.file).hostVeth);
    await execRemoveVeth(plan(2, b.file).hostVeth);
  }
  assert.equal(linkExists(plan(1, a.file).hostVeth), false);
});

test('execCreateVeth wraps addon failures with the caller\'s context and an errno code', { skip: needsRoot }, async () => {
  const ns = newNetns();
  await assert.rejects(
    execCreateVeth('attach container "t-1" to network "n"', { hostVeth: `tnv-${tag}g`, bridge: `tnx-${tag}`, netns: ns.file, ifname: 'eth0', address: subnet.host(20), prefix: 24 }),
    (e: Error & { code: string }) => {
      assert.equal(e.code, 'E_NET_LINK_ENODEV');
      assert.equal(e.message, `attach container "t-1" to network "n": find bridge tnx-${tag}: No such device`);
      return true;
    },
  );
});
