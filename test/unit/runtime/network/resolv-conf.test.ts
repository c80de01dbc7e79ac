import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planHostsFile, planResolvConf } from '../../../../runtime/network/resolv-conf.js';

const host = 'nameserver 127.0.0.53\nnameserver 10.255.255.53\nsearch corp.example\noptions edns0\n';

test('resolv.conf points at the network resolver, keeps the host search list, honours dns_search/dns_opt', () => {
  assert.equal(planResolvConf({ resolver: '10.201.0.1', hostResolvConf: host }), 'nameserver 10.201.0.1\nsearch corp.example\noptions edns0\n');
  assert.equal(planResolvConf({ resolver: '10.201.0.1', dnsSearch: ['svc.local'], dnsOpt: ['ndots:2'], hostResolvConf: host }),
    'nameserver 10.201.0.1\nsearch svc.local\noptions ndots:2\n');
});

test('without a network resolver: dns servers, else the host servers minus loopback ones, with fail-fast options', () => {
  assert.equal(planResolvConf({ dns: ['9.9.9.9'], hostResolvConf: '' }), 'nameserver 9.9.9.9\noptions timeout:2 attempts:2\n');
  assert.equal(planResolvConf({ hostResolvConf: host }), 'nameserver 10.255.255.53\nsearch corp.example\noptions edns0\n');
});

test('hosts file: localhost, own name with domainname, extra_hosts in both syntaxes and host-gateway', () => {
  assert.equal(planHostsFile({ container: 'c', hostname: 'web', domainname: 'example.org', address: '10.201.0.2', extraHosts: ['db.local:10.0.0.9', 'host.docker.internal=host-gateway', 'v6:[::1]'], hostGateway: '10.201.0.1' }), [
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', '10.201.0.2\tweb.example.org web',
    '10.0.0.9\tdb.local', '10.201.0.1\thost.docker.internal', '::1\tv6', '',
  ].join('\n'));
  assert.match(planHostsFile({ container: 'c', hostname: 'h', extraHosts: { a: ['1.1.1.1', '2.2.2.2'] } }), /1\.1\.1\.1\ta\n2\.2\.2\.2\ta\n$/);
  assert.throws(() => planHostsFile({ container: 'c', hostname: 'h', extraHosts: ['x:host-gateway'] }), { code: 'E_EXTRA_HOSTS', message: /container "c": extra_hosts "x:host-gateway" needs a network/ });
  assert.throws(() => planHostsFile({ container: 'c', hostname: 'h', extraHosts: ['nocolon'] }), { code: 'E_EXTRA_HOSTS' });
});

test('network_mode host: the host loopback resolvers stay, and extra_hosts go after the host /etc/hosts', () => {
  assert.equal(planResolvConf({ hostResolvConf: host, hostNetwork: true }), 'nameserver 127.0.0.53\nnameserver 10.255.255.53\nsearch corp.example\noptions edns0\n');
  assert.equal(planHostsFile({ container: 'c', hostname: 'ignored', hostHosts: '127.0.0.1\tlocalhost\n10.0.0.5\tbuildbox\n\n', extraHosts: ['gw:host-gateway'], hostGateway: '127.0.0.1' }),
    '127.0.0.1\tlocalhost\n10.0.0.5\tbuildbox\n127.0.0.1\tgw\n');
});
