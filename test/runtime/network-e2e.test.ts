/**
 * Networks on the real kernel, with network namespaces standing in for containers (the container runtime
 * will pass /proc/<pid>/ns/net the same way). Needs root, iptables and busybox (Debian busybox-static).
 * Traffic goes only to 127.0.0.1, this host's own addresses and namespaces these tests create.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import dgram from 'node:dgram';
import { needsRoot } from '../helpers/root.js';
import { withLeakCheck, type LeakGuard } from '../helpers/leak-check.js';

const root = mkdtempSync(path.join(tmpdir(), 'tsc-net-e2e-'));
process.env.TSCOMPOSE_ROOT = root;
const { createNetwork, removeNetwork } = await import('../../runtime/network/network.js');
const { attachNetwork, detachNetwork, collectPublishedPorts } = await import('../../runtime/network/endpoint.js');
const { readNetwork } = await import('../../runtime/network/store.js');

const FORWARD_FILE = '/proc/sys/net/ipv4/ip_forward';
const forwardBefore = needsRoot ? '' : readFileSync(FORWARD_FILE, 'utf8').trim();
after(() => {
  // network create turns forwarding on (as Docker does); the test host gets its previous value back
  if (!needsRoot) writeFileSync(FORWARD_FILE, forwardBefore);
  if (!process.env.TSC_KEEP_ROOT) rmSync(root, { recursive: true, force: true });
});

// Other test files' processes waiting for the shared host lock, and zombies init has not reaped yet, are not ours.
const leakOpts = { ignore: [/flock .*tscompose-e2e-host\.lock/, /^process \d+ \S+ \(ppid 1, zombie\)/] };
const rand = () => randomBytes(3).toString('hex');
const id = () => randomBytes(32).toString('hex');

function sh(argv: string[], timeoutMs = 15_000): { code: number; out: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
function inNs(ns: string, argv: string[], timeoutMs?: number) {
  return sh(['ip', 'netns', 'exec', ns, ...argv], timeoutMs);
}
function ping(ns: string, ip: string) {
  return inNs(ns, ['busybox', 'ping', '-c', '1', '-W', '2', ip]).code === 0;
}
function lookup(ns: string, server: string, name: string): string[] {
  const r = inNs(ns, ['busybox', 'nslookup', '-type=a', name, server]);
  // skip the "Server/Address: server#53" header: answers follow the "Name:" line
  const body = r.out.split(/Name:/).slice(1).join('\n');
  return [...body.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!).sort();
}
async function eventually<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function addNetns(guard: LeakGuard): string {
  const ns = `tsc-${rand()}`;
  execFileSync('ip', ['netns', 'add', ns]);
  guard.defer(() => execFileSync('ip', ['netns', 'del', ns]));
  return ns;
}
async function addNetwork(guard: LeakGuard, opts: { internal?: boolean; subnet?: string; driverOpts?: Record<string, string> } = {}) {
  const rec = await createNetwork({ name: `e2e${rand()}_default`, ...opts });
  guard.defer(() => removeNetwork(rec.name, { force: true }));
  return rec;
}
async function attach(guard: LeakGuard, network: string, ns: string, name: string, more: Partial<Parameters<typeof attachNetwork>[0]> = {}) {
  const cid = id();
  const ep = await attachNetwork({ network, netns: `/run/netns/${ns}`, containerId: cid, containerName: name, ...more });
  guard.defer(async () => { if (readNetwork(network)?.endpoints[cid]) await detachNetwork(network, cid); });
  return { ...ep, cid };
}
function startInNs(guard: LeakGuard, ns: string, script: string): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  guard.defer(() => new Promise<void>((res) => { if (child.exitCode !== null) return res(); child.once('exit', () => res()); child.kill('SIGKILL'); }));
  return child;
}
function waitLine(child: ChildProcess, text: string): Promise<void> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not print ${text}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes(text)) { clearTimeout(timer); res(); } });
  });
}
function tcpGet(host: string, port: number): Promise<string> {
  return new Promise((res, rej) => {
    const s = net.connect({ host, port, timeout: 5000 }, () => s.end());
    let buf = '';
    s.on('data', (d) => (buf += d));
    s.on('end', () => res(buf));
    s.on('timeout', () => { s.destroy(); rej(new Error(`tcp ${host}:${port}: timeout`)); });
    s.on('error', rej);
  });
}
function udpAsk(host: string, port: number, msg: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => { s.close(); rej(new Error(`udp ${host}:${port}: no answer`)); }, 5000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); res(m.toString()); });
    s.send(msg, port, host);
  });
}
function hostAddress(): string {
  const links = JSON.parse(execFileSync('ip', ['-j', '-4', 'addr', 'show', 'scope', 'global']).toString()) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
  const l = links.find((x) => !x.ifname.startsWith('tsc-') && x.addr_info.length > 0);
  return l!.addr_info[0]!.local;
}

test('two netns on one network reach each other by address and by name; replicas; changes seen within 1 s; other networks isolated', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const a = await addNetwork(guard);
  const b = await addNetwork(guard);
  const [n1, n2, n3, n4, n5] = [addNetns(guard), addNetns(guard), addNetns(guard), addNetns(guard), addNetns(guard)];
  const web1 = await attach(guard, a.name, n1, 'demo-web-1', { aliases: ['web'], hostname: 'w1host' });
  const web2 = await attach(guard, a.name, n2, 'demo-web-2', { aliases: ['web'] });
  const db = await attach(guard, a.name, n3, 'demo-db-1', { aliases: ['db', 'database'] });
  const other = await attach(guard, b.name, n4, 'other-app-1', { aliases: ['app'] });

  assert.ok(ping(n1, web2.ipv4), 'web-1 pings web-2 by address');
  assert.ok(ping(n3, web1.ipv4), 'db pings web-1 by address');
  assert.deepEqual(lookup(n1, a.gateway, 'db'), [db.ipv4]);
  assert.deepEqual(lookup(n1, a.gateway, 'database'), [db.ipv4]);
  assert.deepEqual(lookup(n3, a.gateway, 'demo-web-2'), [web2.ipv4]);
  assert.deepEqual(lookup(n3, a.gateway, 'w1host'), [web1.ipv4]);
  assert.deepEqual(lookup(n3, a.gateway, 'web'), [web1.ipv4, web2.ipv4].sort(), 'a scaled service resolves to every replica');

  // isolation: the other network's container reaches its own gateway but nothing on network a
  assert.ok(ping(n4, b.gateway));
  assert.equal(ping(n4, web1.ipv4), false, 'no route through the host into another network');
  assert.equal(ping(n1, other.ipv4), false);
  assert.match(inNs(n4, ['busybox', 'nslookup', '-type=a', 'web', b.gateway]).out, /NXDOMAIN/, 'names are scoped per network');
  assert.deepEqual(lookup(n4, b.gateway, 'app'), [other.ipv4]);

  // a new endpoint and a removed one are seen within 1 s, nothing restarted
  const late = await attach(guard, a.name, n5, 'demo-web-3', { aliases: ['web'] });
  const t0 = Date.now();
  await eventually('demo-web-3 resolvable', () => lookup(n1, a.gateway, 'demo-web-3')[0] === late.ipv4, 1000);
  await detachNetwork(a.name, web2.cid);
  await eventually('web without web-2', () => lookup(n1, a.gateway, 'web').join() === [web1.ipv4, late.ipv4].sort().join(), 1000);
  assert.ok(Date.now() - t0 < 2000);

  // other names go upstream and fail fast when upstream does not answer
  const t1 = Date.now();
  inNs(n1, ['busybox', 'nslookup', 'no-such-name.invalid', a.gateway], 20_000);
  assert.ok(Date.now() - t1 < 6000, `unknown outside name answered in ${Date.now() - t1} ms`);
  // the resolver runs as long as the network; one that died is restarted by the next attach
  // the C resolver (native/dns), small enough to leave one running per network
  assert.ok(a.resolver && readFileSync(`/proc/${a.resolver.pid}/cmdline`, 'utf8').includes('tscompose-dns'));
  const rssKib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${a.resolver.pid}/status`, 'utf8'))?.[1]);
  assert.ok(rssKib > 0 && rssKib <= 2048, `resolver resident ${rssKib} KiB`);
  process.kill(a.resolver.pid, 'SIGKILL');
  await eventually('resolver gone', () => lookup(n1, a.gateway, 'db').length === 0, 5000);
  const n6 = addNetns(guard);
  await attach(guard, a.name, n6, 'demo-db-2', { aliases: ['db'] });
  assert.deepEqual(lookup(n1, a.gateway, 'db').length, 2, 'resolver back after the next attach');
  assert.notEqual(readNetwork(a.name)!.resolver!.pid, a.resolver.pid);
});

test('a removed network leaves nothing of itself under the root: record, names file, resolver log', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const name = `e2e${rand()}_default`;
  await createNetwork({ name });
  guard.defer(async () => { if (readNetwork(name)) await removeNetwork(name, { force: true }); });
  const ns = addNetns(guard);
  const ep = await attach(guard, name, ns, 'gone-web-1');
  assert.ok(filesNaming(name).some((f) => f.endsWith('.dns.log')), `the resolver logs under the root: ${filesNaming(name).join(', ')}`);
  await detachNetwork(name, ep.cid);
  await removeNetwork(name);
  assert.deepEqual(filesNaming(name), []);
});

/** Every file under the test's root whose name mentions `name`. */
function filesNaming(name: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => path.basename(f).includes(name));
}

test('internal network has no outbound; bridges keep working under a FORWARD DROP policy', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  // an "outside" host: a netns behind a veth of our own with a /30, reachable only by routing through the host
  const outside = addNetns(guard);
  const veth = `tsx-${rand()}`;
  const third = 16 + (randomBytes(1)[0]! % 200);
  const [hostIp, farIp] = [`10.202.${third}.1`, `10.202.${third}.2`];
  execFileSync('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside]);
  guard.defer(() => sh(['ip', 'link', 'del', veth]));
  execFileSync('ip', ['addr', 'add', `${hostIp}/30`, 'dev', veth]);
  execFileSync('ip', ['link', 'set', veth, 'up']);
  execFileSync('ip', ['-n', outside, 'addr', 'add', `${farIp}/30`, 'dev', 'eth0']);
  execFileSync('ip', ['-n', outside, 'link', 'set', 'eth0', 'up']);

  const pub = await addNetwork(guard);
  const internal = await addNetwork(guard, { internal: true });
  const [np, ni1, ni2] = [addNetns(guard), addNetns(guard), addNetns(guard)];
  await attach(guard, pub.name, np, 'pub-1');
  const i1 = await attach(guard, internal.name, ni1, 'int-1');
  await attach(guard, internal.name, ni2, 'int-2');

  assert.ok(ping(np, farIp), 'a normal network reaches the outside (masqueraded)');
  assert.equal(ping(ni1, farIp), false, 'an internal network does not');
  const post = execFileSync('iptables', ['-w', '-t', 'nat', '-S', 'TSC-POST']).toString();
  assert.match(post, new RegExp(`-s ${pub.subnet.replace(/\./g, '\\.')} ! -o ${pub.device} -j MASQUERADE`));
  assert.ok(!post.includes(`-s ${internal.subnet}`), 'no MASQUERADE for the internal subnet');
  assert.equal(inNs(ni1, ['ip', 'route', 'show', 'default']).out.trim(), '', 'no default route on an internal network');
  assert.ok(ping(ni2, i1.ipv4), 'containers of an internal network reach each other');

  const policy = /-P FORWARD (\w+)/.exec(execFileSync('iptables', ['-w', '-S', 'FORWARD']).toString())![1]!;
  execFileSync('iptables', ['-w', '-P', 'FORWARD', 'DROP']);
  try {
    assert.ok(ping(np, farIp), 'outbound still works with FORWARD policy DROP');
    assert.ok(ping(ni2, i1.ipv4), 'traffic inside a bridge still works with FORWARD policy DROP');
  } finally {
    execFileSync('iptables', ['-w', '-P', 'FORWARD', policy]);
  }
});

test('published ports: tcp and udp on 127.0.0.1 and the host address, random port reported, ranges, from another network through the host, a taken port refused before anything exists', { skip: needsRoot, timeout: 120_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const a = await addNetwork(guard);
  const b = await addNetwork(guard);
  const [n1, n2, n3, n4] = [addNetns(guard), addNetns(guard), addNetns(guard), addNetns(guard)];

  // a host port held by someone else, and the range that starts with it
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
  guard.defer(() => new Promise((r) => blocker.close(r)));
  const taken = (blocker.address() as net.AddressInfo).port;

  const web = await attach(guard, a.name, n1, 'ports-web-1', {
    ports: [
      { target: 8080 },
      { target: 8080, published: `${taken}-${taken + 20}` },
      { target: 5353, protocol: 'udp' },
      { target: 8080, hostIp: '127.0.0.1' },
    ],
  });
  const [random, ranged, udp, localOnly] = web.ports;
  assert.ok(random!.published > 0 && ranged!.published > taken && ranged!.published <= taken + 20);
  assert.deepEqual(collectPublishedPorts(web.cid).map((p) => `${p.hostIp || '0.0.0.0'}:${p.published}->${p.target}/${p.protocol}`),
    web.ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.published}->${p.target}/${p.protocol}`), 'the random port is recorded for `port`');

  const server = startInNs(guard, n1, `
    const net = require('net'), dgram = require('dgram');
    net.createServer((s) => s.end('hello from web\\n')).listen(8080, () => {
      const u = dgram.createSocket('udp4');
      u.on('message', (m, r) => u.send('echo:' + m, r.port, r.address));
      u.bind(5353, () => console.log('listening'));
    });`);
  await waitLine(server, 'listening');

  assert.equal(await tcpGet('127.0.0.1', random!.published), 'hello from web\n');
  assert.equal(await tcpGet('127.0.0.1', ranged!.published), 'hello from web\n');
  assert.equal(await tcpGet('127.0.0.1', localOnly!.published), 'hello from web\n');
  assert.equal(await tcpGet(hostAddress(), random!.published), 'hello from web\n');
  assert.equal(await udpAsk('127.0.0.1', udp!.published, 'ping'), 'echo:ping');
  await assert.rejects(tcpGet(hostAddress(), localOnly!.published), 'a 127.0.0.1-only port is not on the host address');

  // a container on another network reaches the published port through the host (its own gateway address)
  await attach(guard, b.name, n2, 'ports-client-1');
  const viaHost = inNs(n2, ['busybox', 'nc', '-w', '3', b.gateway, String(random!.published)]);
  assert.equal(viaHost.out, 'hello from web\n');
  // ... and so do a sibling on the same network and the container itself (hairpin)
  await attach(guard, a.name, n4, 'ports-sibling-1');
  assert.equal(inNs(n4, ['busybox', 'nc', '-w', '3', a.gateway, String(random!.published)]).out, 'hello from web\n');
  assert.equal(inNs(n1, ['busybox', 'nc', '-w', '3', a.gateway, String(random!.published)]).out, 'hello from web\n');

  // a taken port: refused, and nothing was created for it
  const before = { links: sh(['ip', '-o', 'link']).out.split('\n').length, rules: sh(['iptables-save']).out, nat: sh(['iptables-save', '-t', 'nat']).out };
  await assert.rejects(
    attach(guard, a.name, n3, 'ports-late-1', { ports: [{ target: 80, published: taken }] }),
    (e: Error & { code?: string }) => e.code === 'E_PORT_IN_USE' && e.message.includes(`${taken}/tcp is already in use`) && e.message.includes('ports-late-1'),
  );
  await assert.rejects(
    attach(guard, a.name, n3, 'ports-late-1', { ports: [{ target: 80, published: random!.published }] }),
    (e: Error & { code?: string }) => e.code === 'E_PORT_IN_USE',
    'a port another endpoint holds through DNAT is taken too',
  );
  assert.equal(sh(['ip', '-o', 'link']).out.split('\n').length, before.links);
  assert.equal(sh(['iptables-save', '-t', 'nat']).out.replace(/^#.*\n/gm, ''), before.nat.replace(/^#.*\n/gm, ''));
  assert.equal(Object.keys(readNetwork(a.name)!.endpoints).length, 2);
  assert.equal(inNs(n3, ['ip', '-o', 'link']).out.trim().split('\n').length, 1, 'only lo in the refused netns');

  // detach frees the ports and removes exactly its rules
  await detachNetwork(a.name, web.cid);
  const nat = sh(['iptables-save', '-t', 'nat']).out;
  assert.ok(!nat.includes(web.ipv4), 'no DNAT left for the detached endpoint');
});

test('addressing and bad input: static address, mac, mtu, interface name; overlaps, address outside the subnet and ipv6 fail naming the object, host unchanged', { skip: needsRoot, timeout: 60_000 }, async (t) => {
  const guard = await withLeakCheck(t, leakOpts);
  const third = 16 + (randomBytes(1)[0]! % 200);
  const subnet = `10.204.${third}.0/24`;
  const a = await addNetwork(guard, { subnet, driverOpts: { 'com.docker.network.driver.mtu': '1400' } });
  assert.equal(a.subnet, subnet);
  assert.equal(a.gateway, `10.204.${third}.1`);
  assert.equal(readFileSync(`/sys/class/net/${a.device}/mtu`, 'utf8').trim(), '1400');
  const ns = addNetns(guard);
  const ep = await attach(guard, a.name, ns, 'static-1', { ipv4Address: `10.204.${third}.77`, macAddress: '02:42:ac:11:00:77', interfaceName: 'front0' });
  const link = JSON.parse(inNs(ns, ['ip', '-j', 'addr', 'show', 'front0']).out) as Array<{ address: string; mtu: number; addr_info: Array<{ local: string }> }>;
  assert.equal(link[0]!.address, '02:42:ac:11:00:77');
  assert.equal(link[0]!.mtu, 1400);
  assert.equal(link[0]!.addr_info[0]!.local, ep.ipv4);
  assert.match(inNs(ns, ['ip', 'route', 'show', 'default']).out, new RegExp(`default via ${a.gateway.replace(/\./g, '\\.')} dev front0`));

  const links = sh(['ip', '-o', 'link']).out;
  await assert.rejects(createNetwork({ name: `e2e${rand()}_clash`, subnet: `10.204.${third}.128/25` }), /overlaps 10\.204\.\d+\.0\/24/);
  await assert.rejects(createNetwork({ name: `e2e${rand()}_v6`, enableIpv6: true }), /enable_ipv6 is not supported yet/);
  const ns2 = addNetns(guard);
  await assert.rejects(attach(guard, a.name, ns2, 'static-2', { ipv4Address: '10.99.0.5' }), /container "static-2".*ipv4_address 10\.99\.0\.5 is outside the subnet/);
  await assert.rejects(attach(guard, a.name, ns2, 'static-3', { ipv4Address: ep.ipv4 }), /already in use/);
  assert.equal(sh(['ip', '-o', 'link']).out, links);
});
