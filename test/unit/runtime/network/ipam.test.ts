import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planEndpointAddress, planMacAddress, planNetworkAddressing } from '../../../../runtime/network/ipam.js';
import { parseProcRoutes } from '../../../../runtime/network/host-routes.js';
import { parseCidr, overlaps } from '../../../../runtime/network/cidr.js';

test('the first free /24 of the default pool, skipping host routes and other networks', () => {
  assert.deepEqual(planNetworkAddressing('p_default', {}, []), { subnet: '10.201.0.0/24', gateway: '10.201.0.1' });
  const used = [
    { cidr: '10.201.0.0/24', owner: 'network "a"' },
    { cidr: '10.201.1.128/25', owner: 'route on wg0' },
    { cidr: '10.201.2.0/23', owner: 'route on eth1' },
  ];
  assert.deepEqual(planNetworkAddressing('p_default', {}, used), { subnet: '10.201.4.0/24', gateway: '10.201.4.1' });
  // a wide route covering the whole pool leaves nothing
  assert.throws(() => planNetworkAddressing('p_x', {}, [{ cidr: '10.0.0.0/8', owner: 'route on vpn0' }]), {
    code: 'E_NET_POOL_EXHAUSTED', message: /network "p_x": no free \/24 left in the address pool 10\.201\.0\.0\/16/,
  });
});

test('ipam.config subnet, gateway and ip_range are honoured and checked', () => {
  assert.deepEqual(planNetworkAddressing('n', { subnet: '172.28.0.0/16', gateway: '172.28.5.254', ipRange: '172.28.5.0/24' }, []),
    { subnet: '172.28.0.0/16', gateway: '172.28.5.254', ipRange: '172.28.5.0/24' });
  assert.throws(() => planNetworkAddressing('n', { subnet: '172.28.0.0/16' }, [{ cidr: '172.28.3.0/24', owner: 'network "other"' }]),
    { code: 'E_NET_OVERLAP', message: 'network "n": subnet 172.28.0.0/16 overlaps 172.28.3.0/24 (network "other")' });
  assert.throws(() => planNetworkAddressing('n', { subnet: '10.1.2.3/24' }), { code: 'E_NET_CIDR', message: /host bits are set \(did you mean 10\.1\.2\.0\/24\?\)/ });
  assert.throws(() => planNetworkAddressing('n', { subnet: 'fe80::/64' }), { code: 'E_NET_CIDR' });
  assert.throws(() => planNetworkAddressing('n', { subnet: '10.9.0.0/24', gateway: '10.9.1.1' }), { code: 'E_NET_ADDRESS', message: /gateway 10\.9\.1\.1 is not a host address/ });
  assert.throws(() => planNetworkAddressing('n', { subnet: '10.9.0.0/24', ipRange: '10.9.0.0/23' }), { code: 'E_NET_ADDRESS', message: /ip_range 10\.9\.0\.0\/23 is not inside/ });
});

test('endpoint addresses: lowest free, gateway skipped, ip_range respected, static checked, freed ones reused', () => {
  const base = { network: 'n', subnet: '10.9.0.0/24', gateway: '10.9.0.1', container: 'c1' };
  assert.equal(planEndpointAddress({ ...base, taken: [] }), '10.9.0.2');
  assert.equal(planEndpointAddress({ ...base, taken: ['10.9.0.2', '10.9.0.4'] }), '10.9.0.3');
  assert.equal(planEndpointAddress({ ...base, ipRange: '10.9.0.128/25', taken: [] }), '10.9.0.129');
  assert.equal(planEndpointAddress({ ...base, taken: ['10.9.0.2'], requested: '10.9.0.200' }), '10.9.0.200');
  assert.throws(() => planEndpointAddress({ ...base, taken: [], requested: '10.8.0.5' }),
    { code: 'E_NET_ADDRESS', message: 'attach container "c1" to network "n": ipv4_address 10.8.0.5 is outside the subnet 10.9.0.0/24' });
  assert.throws(() => planEndpointAddress({ ...base, taken: ['10.9.0.7'], requested: '10.9.0.7' }), { code: 'E_NET_ADDRESS_IN_USE' });
  assert.throws(() => planEndpointAddress({ ...base, taken: [], requested: '10.9.0.1' }), { message: /\(it is the gateway\)/ });
  assert.throws(() => planEndpointAddress({ ...base, taken: [], requested: '10.9.0.255' }), { code: 'E_NET_ADDRESS' }, 'broadcast is not a host address');
  const small = { network: 'n', subnet: '10.9.0.0/30', gateway: '10.9.0.1', container: 'c9' };
  assert.equal(planEndpointAddress({ ...small, taken: [] }), '10.9.0.2');
  assert.throws(() => planEndpointAddress({ ...small, taken: ['10.9.0.2'] }), { code: 'E_NET_ADDRESS_EXHAUSTED' });
});

test('mac addresses must be unicast and well formed', () => {
  assert.equal(planMacAddress('c', '02:42:AC:11:00:02'), '02:42:ac:11:00:02');
  assert.equal(planMacAddress('c', undefined), undefined);
  // no mac_address: derived from the address as docker does, so a recreated container keeps its neighbour entry valid
  assert.equal(planMacAddress('c', undefined, '10.201.3.17'), '02:42:0a:c9:03:11');
  assert.equal(planMacAddress('c', '02:00:00:00:00:01', '10.201.3.17'), '02:00:00:00:00:01');
  assert.throws(() => planMacAddress('c', '01:00:5e:00:00:01'), { code: 'E_NET_MAC' });
  assert.throws(() => planMacAddress('c', '02:42:ac:11:00'), { code: 'E_NET_MAC' });
});

test('host routes from /proc/net/route: default skipped, byte order undone', () => {
  const text = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  ].join('\n');
  assert.deepEqual(parseProcRoutes(text), [
    { cidr: '192.0.2.0/24', owner: 'route on eth0' },
    { cidr: '172.17.0.0/16', owner: 'route on docker0' },
  ]);
});

test('cidr overlap is symmetric and prefix-aware', () => {
  assert.ok(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.201.3.0/24')));
  assert.ok(overlaps(parseCidr('10.201.3.0/24'), parseCidr('10.0.0.0/8')));
  assert.ok(!overlaps(parseCidr('10.201.3.0/24'), parseCidr('10.201.4.0/24')));
});
