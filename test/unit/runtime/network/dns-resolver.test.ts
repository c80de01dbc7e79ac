/**
 * The resolver processes, as clients see them: the C one (build/Release/tscompose-dns, reading the names file)
 * and the Node fallback (serve.ts, reading the record) answer the same queries the same way. Both run on
 * 127.0.0.1 with a port of the test's own, so no root and no namespace is needed; clients on 127.0.0.2 and
 * 127.0.0.3 stand for two containers (links are per container).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { planNamesFile } from '../../../../runtime/network/dns/names-file.js';
import { resolverPath } from '../../../../runtime/sys/native.js';
import type { Endpoint, NetworkRecord } from '../../../../runtime/network/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serveTs = path.resolve(here, '../../../../runtime/network/dns/serve.ts');

function ep(id: string, name: string, ipv4: string, aliases: string[], extra: Partial<Endpoint> = {}): Endpoint {
  return { containerId: id.repeat(64).slice(0, 64), containerName: name, aliases, ipv4, ifname: 'eth0', hostVeth: 'tsv-x', netns: '/x', ports: [], rules: [], ...extra };
}

function record(endpoints: Record<string, Endpoint>): NetworkRecord {
  return {
    name: 'demo_default', id: 'x', driver: 'bridge', device: 'tsc-test', subnet: '10.201.0.0/24', gateway: '10.201.0.1',
    internal: false, labels: {}, driverOpts: {}, created: '', rules: [], endpoints,
  };
}

interface Resolver { port: number; child: ChildProcess; files: { record: string; names: string }; dir: string }

/** Writes record + names file as writeNetwork does (tmp + rename), so the resolver sees an inode change. */
function writeBoth(files: Resolver['files'], rec: NetworkRecord): void {
  for (const [file, text] of [[files.record, JSON.stringify(rec)], [files.names, planNamesFile(rec)]] as const) {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
}

async function startResolver(kind: 'c' | 'node', rec: NetworkRecord): Promise<Resolver> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsc-dns-'));
  const files = { record: path.join(dir, 'net.json'), names: path.join(dir, 'net.names') };
  writeBoth(files, rec);
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const argv = kind === 'c' ? [resolverPath(), files.names, '127.0.0.1', String(port)] : [process.execPath, '--import', 'tsx', serveTs, files.record, '127.0.0.1', String(port)];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(true); });
      child.on('exit', () => resolve(false));
    });
    if (ready) return { port, child, files, dir };
    if (attempt >= 5 || !/in use/i.test(err)) throw new Error(`resolver did not start: ${err}`);
  }
}

async function stopResolver(r: Resolver): Promise<void> {
  if (r.child.exitCode === null) {
    const gone = new Promise((res) => r.child.once('exit', res));
    r.child.kill('SIGTERM');
    await gone;
  }
  rmSync(r.dir, { recursive: true, force: true });
}

type Packet = dnsPacket.Packet & { rcode?: string };

function query(name: string, type: 'A' | 'AAAA' | 'MX' = 'A', id = 4242): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] } as dnsPacket.Packet);
}

/** One UDP exchange from `from` (a loopback address standing for one container); undefined on timeout. */
function ask(port: number, msg: Buffer, from = '127.0.0.2', timeoutMs = 4000): Promise<Packet | undefined> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const timer = setTimeout(() => { sock.close(); resolve(undefined); }, timeoutMs);
    sock.on('error', (e) => { clearTimeout(timer); sock.close(); reject(e); });
    sock.on('message', (m) => { clearTimeout(timer); sock.close(); resolve(dnsPacket.decode(m) as Packet); });
    sock.bind(0, from, () => sock.send(msg, port, '127.0.0.1'));
  });
}

function askTcp(port: number, msg: Buffer): Promise<Packet> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 255]), msg])));
    let buf = Buffer.alloc(0);
    s.setTimeout(4000, () => { s.destroy(); reject(new Error('tcp timeout')); });
    s.on('error', reject);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { s.end(); resolve(dnsPacket.decode(buf.subarray(2)) as Packet); }
    });
  });
}

const ips = (p: Packet | undefined) => (p?.answers ?? []).map((a) => (a as { data: string }).data);

const registry = {
  a: ep('a', 'demo-web-1', '10.201.0.3', ['web']),
  b: ep('b', 'demo-web-2', '10.201.0.10', ['web'], { hostname: 'webhost' }),
  c: ep('c', 'demo-db-1', '10.201.0.2', ['db', 'Postgres']),
  // the "containers" asking: 127.0.0.2 links db as "database"; 127.0.0.3 sends outside names to its own server
  d: ep('d', 'demo-client-1', '127.0.0.2', ['client'], { links: [{ alias: 'database', target: 'demo-db-1' }] }),
};

test('planNamesFile: one A line per name and address (sorted), links and upstreams per client', () => {
  const text = planNamesFile(record({ ...registry, e: ep('e', 'x y', '10.201.0.9', [], { dns: ['1.1.1.1', '9.9.9.9:5353', 'bogus'] }) }));
  assert.equal(text, [
    '# tscompose-dns names of network demo_default',
    'A aaaaaaaaaaaa 10.201.0.3', 'A bbbbbbbbbbbb 10.201.0.10', 'A cccccccccccc 10.201.0.2', 'A client 127.0.0.2',
    'A db 10.201.0.2', 'A dddddddddddd 127.0.0.2', 'A demo-client-1 127.0.0.2', 'A demo-db-1 10.201.0.2',
    'A demo-web-1 10.201.0.3', 'A demo-web-2 10.201.0.10', 'A eeeeeeeeeeee 10.201.0.9', 'A postgres 10.201.0.2',
    'A web 10.201.0.3', 'A web 10.201.0.10', 'A webhost 10.201.0.10',
    'L 127.0.0.2 database demo-db-1',
    'U 10.201.0.9 1.1.1.1', 'U 10.201.0.9 9.9.9.9:5353',
  ].join('\n') + '\n');
});

test('the C resolver is built (node scripts/build-native.mjs)', () => {
  assert.ok(existsSync(resolverPath()), `${resolverPath()} is missing`);
});

for (const kind of ['c', 'node'] as const) {

  test(`${kind} resolver: names, replicas, case, AAAA, NXDOMAIN and links, as the unit cases say`, { timeout: 60_000 }, async () => {
    const r = await startResolver(kind, record(registry));
    try {
      const web = (await ask(r.port, query('web')))!;
      assert.equal(web.id, 4242);
      assert.equal(web.rcode, 'NOERROR');
      assert.ok(web.flags! & dnsPacket.AUTHORITATIVE_ANSWER);
      assert.deepEqual(web.answers!.map((a) => [a.type, (a as { data: string }).data, (a as { ttl: number }).ttl]), [['A', '10.201.0.3', 0], ['A', '10.201.0.10', 0]]);
      assert.deepEqual(ips(await ask(r.port, query('demo-db-1'))), ['10.201.0.2']);
      assert.deepEqual(ips(await ask(r.port, query('WEBHOST.'))), ['10.201.0.10']);
      assert.deepEqual(ips(await ask(r.port, query('postgres'))), ['10.201.0.2']);
      assert.deepEqual(ips(await ask(r.port, query('cccccccccccc'))), ['10.201.0.2']);
      const aaaa = (await ask(r.port, query('web', 'AAAA')))!;
      assert.equal(aaaa.rcode, 'NOERROR');
      assert.deepEqual(aaaa.answers, []);
      assert.equal((await ask(r.port, query('nothing-here')))!.rcode, 'NXDOMAIN');
      // a link is the linking container's own name: 127.0.0.2 resolves it, 127.0.0.3 does not
      assert.deepEqual(ips(await ask(r.port, query('database'), '127.0.0.2')), ['10.201.0.2']);
      assert.equal((await ask(r.port, query('database'), '127.0.0.3'))!.rcode, 'NXDOMAIN');
      // garbage gets no reply at all
      assert.equal(await ask(r.port, Buffer.from('hello'), '127.0.0.2', 500), undefined);
    } finally {
      await stopResolver(r);
    }
  });

  test(`${kind} resolver: a changed record is seen on the next query; a removed one ends the process`, { timeout: 60_000 }, async () => {
    const r = await startResolver(kind, record(registry));
    try {
      assert.deepEqual(ips(await ask(r.port, query('web'))), ['10.201.0.3', '10.201.0.10']);
      const { a: _gone, ...rest } = registry;
      writeBoth(r.files, record({ ...rest, n: ep('n', 'demo-web-3', '10.201.0.4', ['web']) }));
      assert.deepEqual(ips(await ask(r.port, query('web'))), ['10.201.0.4', '10.201.0.10']);
      assert.equal((await ask(r.port, query('demo-web-1')))!.rcode, 'NXDOMAIN');
      const exited = new Promise((res) => r.child.once('exit', res));
      rmSync(kind === 'c' ? r.files.names : r.files.record);
      await ask(r.port, query('web'), '127.0.0.2', 500); // the next query notices (else the 5 s check does)
      await exited;
    } finally {
      await stopResolver(r);
    }
  });
}

// the Node fallback forwards to port 53 only and has no TCP: these are the C resolver's alone
test('c resolver: other names go to the client upstreams; none answering is SERVFAIL', { timeout: 60_000 }, async () => {
  // a fake upstream on loopback that answers everything with 192.0.2.7; a silent one that never answers
  const up = dgram.createSocket('udp4');
  const silent = dgram.createSocket('udp4');
  up.on('message', (m, rinfo) => {
    const q = dnsPacket.decode(m);
    up.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions, answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 60, data: '192.0.2.7' }] } as dnsPacket.Packet), rinfo.port, rinfo.address);
  });
  await Promise.all([new Promise<void>((res) => up.bind(0, '127.0.0.1', res)), new Promise<void>((res) => silent.bind(0, '127.0.0.1', res))]);
  const upPort = up.address().port;
  const silentPort = silent.address().port;
  const rec = record({
    ...registry,
    // 127.0.0.2 asks a silent server first (1 s), then the real one; 127.0.0.3 only a silent one
    d: ep('d', 'demo-client-1', '127.0.0.2', [], { dns: [`127.0.0.1:${silentPort}`, `127.0.0.1:${upPort}`] }),
    e: ep('e', 'demo-other-1', '127.0.0.3', [], { dns: [`127.0.0.1:${silentPort}`] }),
  });
  const r = await startResolver('c', rec);
  try {
    const t0 = Date.now();
    const fwd = (await ask(r.port, query('deb.debian.org', 'A', 99), '127.0.0.2'))!;
    assert.equal(fwd.id, 99);
    assert.deepEqual(ips(fwd), ['192.0.2.7']);
    assert.ok(Date.now() - t0 >= 900, 'the silent server was given its second first');
    const sf = (await ask(r.port, query('deb.debian.org', 'A', 77), '127.0.0.3'))!;
    assert.equal(sf.id, 77);
    assert.equal(sf.rcode, 'SERVFAIL');
    // over TCP the same answers come back, framed
    assert.deepEqual(ips(await askTcp(r.port, query('web'))), ['10.201.0.3', '10.201.0.10']);
    assert.equal((await askTcp(r.port, query('nothing-here'))).rcode, 'NXDOMAIN');
  } finally {
    up.close(); silent.close();
    await stopResolver(r);
  }
});

test('c resolver: a service with many replicas is truncated over UDP and complete over TCP', { timeout: 60_000 }, async () => {
  const many: Record<string, Endpoint> = {};
  for (let i = 0; i < 40; i++) many[`r${i}`] = ep(`${i % 10}`, `demo-big-${i + 1}`, `10.201.0.${i + 20}`, ['big'], { containerId: `${String(i).padStart(2, '0')}`.repeat(32) });
  const r = await startResolver('c', record(many));
  try {
    const udp = (await ask(r.port, query('big')))!;
    assert.ok(udp.flags! & dnsPacket.TRUNCATED_RESPONSE, 'TC set');
    assert.ok(udp.answers!.length > 0 && udp.answers!.length < 40);
    const tcp = await askTcp(r.port, query('big'));
    assert.equal(tcp.answers!.length, 40);
    assert.deepEqual(ips(tcp).slice(0, 3), ['10.201.0.20', '10.201.0.21', '10.201.0.22']);
  } finally {
    await stopResolver(r);
  }
});
