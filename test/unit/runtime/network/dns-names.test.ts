import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { planNameTable, planResponse, planServfail, parseResolvConf } from '../../../../runtime/network/dns/names.js';
import type { Endpoint } from '../../../../runtime/network/types.js';

function ep(id: string, name: string, ipv4: string, aliases: string[], hostname?: string): Endpoint {
  return { containerId: id.repeat(64).slice(0, 64), containerName: name, hostname, aliases, ipv4, ifname: 'eth0', hostVeth: 'tsv-x', netns: '/x', ports: [], rules: [] };
}
const registry = {
  a: ep('a', 'demo-web-1', '10.201.0.3', ['web']),
  b: ep('b', 'demo-web-2', '10.201.0.10', ['web'], 'webhost'),
  c: ep('c', 'demo-db-1', '10.201.0.2', ['db', 'Postgres', 'legacy-link']),
};
const query = (name: string, type: 'A' | 'AAAA' | 'MX' = 'A', id = 4242) =>
  dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] } as dnsPacket.Packet);
/** dns-packet decodes rcode but its types do not declare it */
const rcode = (p: object) => (p as { rcode?: string }).rcode;
function answer(name: string, type: 'A' | 'AAAA' | 'MX' = 'A') {
  const d = planResponse(query(name, type), planNameTable(registry));
  assert.equal(d.kind, 'answer', `${name} should be answered locally`);
  return dnsPacket.decode((d as { packet: Buffer }).packet);
}

test('service names resolve to every replica, sorted by address, TTL 0', () => {
  const r = answer('web');
  assert.equal(r.id, 4242);
  assert.equal(rcode(r), 'NOERROR');
  assert.deepEqual(r.answers!.map((a) => [a.type, (a as { data: string }).data, (a as { ttl: number }).ttl]), [['A', '10.201.0.3', 0], ['A', '10.201.0.10', 0]]);
});

test('container names, hostnames, aliases and short ids resolve, case-insensitively and with a trailing dot', () => {
  assert.deepEqual(answer('demo-db-1').answers!.map((a) => (a as { data: string }).data), ['10.201.0.2']);
  assert.deepEqual(answer('WEBHOST.').answers!.map((a) => (a as { data: string }).data), ['10.201.0.10']);
  assert.deepEqual(answer('postgres').answers!.map((a) => (a as { data: string }).data), ['10.201.0.2']);
  assert.deepEqual(answer('legacy-link').answers!.map((a) => (a as { data: string }).data), ['10.201.0.2']);
  assert.deepEqual(answer('cccccccccccc').answers!.map((a) => (a as { data: string }).data), ['10.201.0.2']);
});

test('a known name asked for AAAA gets an empty NOERROR (so clients do not go upstream), unknown short names NXDOMAIN', () => {
  const r = answer('web', 'AAAA');
  assert.equal(rcode(r), 'NOERROR');
  assert.deepEqual(r.answers, []);
  assert.equal(rcode(answer('nothing-here')), 'NXDOMAIN');
});

test('other names are forwarded; garbage is dropped; SERVFAIL keeps the id', () => {
  assert.deepEqual(planResponse(query('deb.debian.org'), planNameTable(registry)), { kind: 'forward' });
  assert.deepEqual(planResponse(Buffer.from('hello'), planNameTable(registry)), { kind: 'drop' });
  const sf = dnsPacket.decode(planServfail(query('deb.debian.org', 'A', 77))!);
  assert.equal(sf.id, 77);
  assert.equal(rcode(sf), 'SERVFAIL');
});

test('an endpoint removed from the registry is gone from the next table', () => {
  const { a: _a, ...rest } = registry;
  const d = planResponse(query('web'), planNameTable(rest));
  assert.deepEqual(dnsPacket.decode((d as { packet: Buffer }).packet).answers!.map((x) => (x as { data: string }).data), ['10.201.0.10']);
});

test('upstream resolvers from resolv.conf (IPv4 only)', () => {
  assert.deepEqual(parseResolvConf('# hi\nnameserver 10.255.255.53\nnameserver ::1\nsearch example.com\nnameserver 1.1.1.1 # cf\n'), ['10.255.255.53', '1.1.1.1']);
});
