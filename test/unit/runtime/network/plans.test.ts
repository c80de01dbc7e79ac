import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBridgeBatch, planMtu } from '../../../../runtime/network/bridge.js';
import { planHostBatch, planNetnsBatch, checkInterfaceName, linkAlreadyGone } from '../../../../runtime/network/veth.js';
import { planGatewayNetwork, planInterfaceName } from '../../../../runtime/network/endpoint.js';
import { planPortCandidates } from '../../../../runtime/network/ports.js';

test('bridge: one ip batch with a fixed MAC, mtu and the gateway address', () => {
  assert.equal(planBridgeBatch('tsc-01234567', '10.201.0.1', '10.201.0.0/24', '02:00:00:00:00:01', 1400),
    'link add name tsc-01234567 address 02:00:00:00:00:01 mtu 1400 type bridge\naddr add 10.201.0.1/24 dev tsc-01234567\nlink set tsc-01234567 up\n');
  assert.equal(planMtu('n', { 'com.docker.network.driver.mtu': '9000' }), 9000);
  assert.equal(planMtu('n', {}), undefined);
  assert.throws(() => planMtu('n', { 'com.docker.network.driver.mtu': 'big' }), { code: 'E_NET_MTU', message: /network "n": driver_opts com\.docker\.network\.driver\.mtu="big"/ });
});

test('veth: peer made inside the netns, configured there; default route only when asked', () => {
  const p = { hostVeth: 'tsv-aa', bridge: 'tsc-bb', netns: '/proc/42/ns/net', ifname: 'eth0', address: '10.201.0.2', prefix: 24, mac: '02:42:00:00:00:02', mtu: 1400, gateway: '10.201.0.1' };
  assert.equal(planHostBatch(p), 'link add name tsv-aa mtu 1400 type veth peer name eth0 mtu 1400 address 02:42:00:00:00:02 netns /proc/42/ns/net\nlink set tsv-aa master tsc-bb up\nlink set tsv-aa type bridge_slave hairpin on\n');
  assert.equal(planNetnsBatch(p), 'addr add 10.201.0.2/24 dev eth0\nlink set eth0 up\nlink set lo up\nroute replace default via 10.201.0.1 dev eth0\n');
  assert.ok(!planNetnsBatch({ ...p, gateway: undefined }).includes('default'));
  assert.throws(() => checkInterfaceName('c', 'a-name-longer-than-15'), { code: 'E_NET_IFNAME' });
  assert.throws(() => checkInterfaceName('c', 'lo'), { code: 'E_NET_IFNAME' });
});

test('gw_priority picks the default route network; ties keep list order; internal networks never', () => {
  assert.equal(planGatewayNetwork([{ name: 'a' }, { name: 'b' }]), 'a');
  assert.equal(planGatewayNetwork([{ name: 'a' }, { name: 'b', gwPriority: 10 }]), 'b');
  assert.equal(planGatewayNetwork([{ name: 'a', internal: true, gwPriority: 99 }, { name: 'b' }]), 'b');
  assert.equal(planGatewayNetwork([{ name: 'a', internal: true }]), undefined);
  assert.equal(planInterfaceName([]), 'eth0');
  assert.equal(planInterfaceName(['eth0', 'eth2']), 'eth1');
});

test('port candidates: fixed, range, random; bad specs name the container', () => {
  assert.deepEqual(planPortCandidates('c', { target: 80, published: 8080 }), [8080]);
  assert.deepEqual(planPortCandidates('c', { target: 80, published: '8000-8002' }), [8000, 8001, 8002]);
  assert.deepEqual(planPortCandidates('c', { target: 80 }), []);
  assert.throws(() => planPortCandidates('web-1', { target: 0 }), { code: 'E_PORT_SPEC', message: /container "web-1"/ });
  assert.throws(() => planPortCandidates('c', { target: 80, published: '9-3' }), { code: 'E_PORT_SPEC' });
  assert.throws(() => planPortCandidates('c', { target: 80, hostIp: '::1' }), { message: /IPv6 is not supported yet/ });
});

test('removing a veth whose netns already took it down is not an error; other failures are', () => {
  assert.equal(linkAlreadyGone('Cannot find device "tsv-8dd3c6ba"'), true);
  assert.equal(linkAlreadyGone('RTNETLINK answers: No such device'), true);
  assert.equal(linkAlreadyGone('RTNETLINK answers: Operation not permitted'), false);
  assert.equal(linkAlreadyGone(''), false);
});
