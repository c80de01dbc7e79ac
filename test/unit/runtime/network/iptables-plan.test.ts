import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBaseJumps, planNetworkRules, planPortRules, planRuleArgv, renderRestore } from '../../../../runtime/network/iptables-plan.js';

const argv = (rules: Array<{ table: string; chain: string; args: string[] }>) => rules.map((r) => planRuleArgv('-A', r).join(' '));

test('base jumps: one rule per built-in chain, FORWARD first so a DROP policy never sees our traffic', () => {
  assert.deepEqual(planBaseJumps().map((j) => planRuleArgv(j.insert ? '-I' : '-A', j).join(' ')), [
    'iptables -w -t filter -I TSC-FWD 1 -j TSC-ISO',
    'iptables -w -t filter -I FORWARD 1 -j TSC-FWD',
    'iptables -w -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j TSC-DNAT',
    'iptables -w -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j TSC-DNAT',
    'iptables -w -t nat -A POSTROUTING -j TSC-POST',
  ]);
});

test('a normal network: isolation, accepts, a final drop, MASQUERADE outbound and for localhost sources', () => {
  assert.deepEqual(argv(planNetworkRules({ device: 'tsc-0a1b2c3d', subnet: '10.201.0.0/24', internal: false })), [
    'iptables -w -t filter -A TSC-ISO -i tsc-0a1b2c3d -o tsc-0a1b2c3d -j RETURN',
    'iptables -w -t filter -A TSC-ISO -i tsc-0a1b2c3d -o tsc-+ -m conntrack ! --ctstate DNAT -j DROP',
    'iptables -w -t filter -A TSC-FWD -o tsc-0a1b2c3d -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'iptables -w -t filter -A TSC-FWD -o tsc-0a1b2c3d -m conntrack --ctstate DNAT -j ACCEPT',
    'iptables -w -t filter -A TSC-FWD -i tsc-0a1b2c3d -j ACCEPT',
    'iptables -w -t filter -A TSC-FWD -o tsc-0a1b2c3d -j DROP',
    'iptables -w -t nat -A TSC-POST -s 10.201.0.0/24 ! -o tsc-0a1b2c3d -j MASQUERADE',
    'iptables -w -t nat -A TSC-POST -s 10.201.0.0/24 -o tsc-0a1b2c3d -m conntrack --ctstate DNAT -j MASQUERADE',
    'iptables -w -t nat -A TSC-POST -s 127.0.0.0/8 -o tsc-0a1b2c3d -j MASQUERADE',
  ]);
});

test('an internal network: traffic stays on the bridge, no MASQUERADE for its subnet', () => {
  const rules = argv(planNetworkRules({ device: 'tsc-00000001', subnet: '10.201.9.0/24', internal: true }));
  assert.deepEqual(rules.slice(2), [
    'iptables -w -t filter -A TSC-FWD -i tsc-00000001 -o tsc-00000001 -j ACCEPT',
    'iptables -w -t filter -A TSC-FWD -i tsc-00000001 -j DROP',
    'iptables -w -t filter -A TSC-FWD -o tsc-00000001 -j DROP',
    'iptables -w -t nat -A TSC-POST -s 127.0.0.0/8 -o tsc-00000001 -j MASQUERADE',
  ]);
  assert.ok(!rules.some((r) => r.includes('-s 10.201.9.0/24')));
});

test('published ports: DNAT per protocol, host_ip as a destination match', () => {
  assert.deepEqual(argv(planPortRules('10.201.0.2', { protocol: 'tcp', target: 80, published: 8080, hostIp: '' })), [
    'iptables -w -t nat -A TSC-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.201.0.2:80',
  ]);
  assert.deepEqual(argv(planPortRules('10.201.0.3', { protocol: 'udp', target: 53, published: 5353, hostIp: '127.0.0.1' })), [
    'iptables -w -t nat -A TSC-DNAT -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 10.201.0.3:53',
  ]);
});

test('restore input appends in order and deletes in reverse, one COMMIT per table', () => {
  const rules = [...planNetworkRules({ device: 'tsc-1', subnet: '10.1.0.0/24', internal: false }).slice(0, 2), ...planPortRules('10.1.0.2', { protocol: 'tcp', target: 1, published: 2, hostIp: '' })];
  assert.equal(renderRestore('A', rules), [
    '*filter',
    '-A TSC-ISO -i tsc-1 -o tsc-1 -j RETURN',
    '-A TSC-ISO -i tsc-1 -o tsc-+ -m conntrack ! --ctstate DNAT -j DROP',
    'COMMIT',
    '*nat',
    '-A TSC-DNAT -p tcp -m tcp --dport 2 -j DNAT --to-destination 10.1.0.2:1',
    'COMMIT',
    '',
  ].join('\n'));
  assert.equal(renderRestore('D', rules).split('\n')[1], '-D TSC-ISO -i tsc-1 -o tsc-+ -m conntrack ! --ctstate DNAT -j DROP');
});
