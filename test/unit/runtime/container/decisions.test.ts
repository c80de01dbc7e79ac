/** The pure decisions behind config.json, one behaviour per test (Docker's semantics). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciConfig } from '../../../../runtime/container/oci-spec.js';
import { buildShimOptions } from '../../../../runtime/container/shim-options.js';
import { capabilityMask, planCapabilities, capabilitiesInMask, DEFAULT_CAPABILITIES } from '../../../../runtime/container/capabilities.js';
import { renderSeccomp } from '../../../../runtime/container/seccomp-profile.js';
import { resolveUser } from '../../../../runtime/container/user.js';
import { parseSignal } from '../../../../runtime/container/signals.js';
import { planArgs } from '../../../../runtime/container/process-plan.js';
import { parseTmpfs } from '../../../../runtime/container/mounts-plan.js';
import { baseFacts, baseSpec, bundle, GROUP, PASSWD } from './fixtures.js';

test('the default capability set prints as CapEff 00000000a80425fb, as in a docker container', () => {
  const caps = planCapabilities({}, undefined);
  assert.equal(capabilityMask(caps).toString(16).padStart(16, '0'), '00000000a80425fb');
  assert.equal(caps.length, DEFAULT_CAPABILITIES.length);
});

test('cap_drop ALL with cap_add keeps only the added capability; names work with or without CAP_', () => {
  assert.deepEqual(planCapabilities({ capDrop: ['ALL'], capAdd: ['net_admin'] }, undefined), ['CAP_NET_ADMIN']);
  assert.deepEqual(planCapabilities({ capDrop: ['CAP_CHOWN', 'kill'] }, undefined).includes('CAP_KILL'), false);
  assert.ok(planCapabilities({ capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }, undefined).includes('CAP_SYS_MODULE'));
  assert.ok(!planCapabilities({ capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }, undefined).includes('CAP_SYS_ADMIN'));
});

test('privileged grants every capability of the host bounding set, and cap_add outside it is refused', () => {
  const host = capabilitiesInMask(0x1ffffffffffn & ~(1n << 24n)); // all but CAP_SYS_RESOURCE (bit 24)
  const caps = planCapabilities({ privileged: true }, host);
  assert.ok(caps.includes('CAP_SYS_ADMIN'));
  assert.ok(!caps.includes('CAP_SYS_RESOURCE'));
  assert.throws(() => planCapabilities({ capAdd: ['SYS_RESOURCE'] }, host), /CAP_SYS_RESOURCE not available/);
  assert.throws(() => planCapabilities({ capAdd: ['FLY'] }, host), /unknown capability "FLY"/);
});

test('seccomp: clone3 answers ENOSYS and namespaced clone is filtered unless CAP_SYS_ADMIN; vsock sockets refused', () => {
  const plain = renderSeccomp(DEFAULT_CAPABILITIES, 'x86_64');
  const allowList = plain.syscalls[0]!.names;
  assert.ok(allowList.includes('read') && allowList.includes('arch_prctl'));
  assert.ok(!allowList.includes('mount') && !allowList.includes('keyctl') && !allowList.includes('unshare'));
  assert.deepEqual(plain.syscalls.find((r) => r.names[0] === 'clone3'), { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  assert.equal(plain.syscalls.find((r) => r.names[0] === 'clone')?.args?.[0]?.op, 'SCMP_CMP_MASKED_EQ');
  assert.deepEqual(plain.syscalls.find((r) => r.names[0] === 'socket')?.args, [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]);
  const admin = renderSeccomp([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], 'x86_64');
  assert.ok(admin.syscalls[0]!.names.includes('mount') && admin.syscalls[0]!.names.includes('clone3'));
  assert.equal(admin.syscalls.find((r) => r.names[0] === 'clone3'), undefined);
  assert.ok(!renderSeccomp(DEFAULT_CAPABILITIES, 'aarch64').syscalls[0]!.names.includes('arch_prctl'));
});

test('seccomp=unconfined drops the filter; no-new-privileges sets noNewPrivileges (off by default)', () => {
  const def = buildOciConfig(baseSpec(), baseFacts()) as { linux: Record<string, unknown>; process: Record<string, unknown> };
  assert.ok(def.linux.seccomp);
  assert.equal(def.process.noNewPrivileges, false);
  const un = buildOciConfig(baseSpec({ securityOpt: ['seccomp=unconfined', 'no-new-privileges'] }), baseFacts()) as typeof def;
  assert.equal(un.linux.seccomp, undefined);
  assert.equal(un.process.noNewPrivileges, true);
  assert.throws(() => buildOciConfig(baseSpec({ securityOpt: ['seccomp=/x.json'] }), baseFacts()), /create container "demo-web-1": security_opt "seccomp=\/x.json"/);
});

test('user names resolve from the image files; an unknown user names the container', () => {
  assert.deepEqual(resolveUser('app', [], PASSWD, GROUP), { uid: 1000, gid: 1000, additionalGids: [29, 44], home: '/home/app' });
  assert.deepEqual(resolveUser('1000:44', [], PASSWD, GROUP), { uid: 1000, gid: 44, additionalGids: [], home: '/home/app' });
  assert.deepEqual(resolveUser('4242', ['video'], PASSWD, GROUP), { uid: 4242, gid: 0, additionalGids: [44], home: '/' });
  assert.throws(() => buildOciConfig(baseSpec({ user: 'ghost' }), baseFacts()), (e: Error) => e.message === 'create container "demo-web-1": unable to find user ghost: no matching entries in passwd file');
  assert.throws(() => resolveUser('app:nogroup2', [], PASSWD, GROUP), /unable to find group nogroup2/);
});

test('non-namespaced sysctls, ulimits above the host hard limit and unknown devices are refused with the cause', () => {
  assert.throws(() => buildOciConfig(baseSpec({ sysctls: { 'vm.swappiness': '1' } }), baseFacts()), /sysctl "vm.swappiness" is not namespaced/);
  assert.throws(() => buildOciConfig(baseSpec({ sysctls: { 'net.core.somaxconn': '1' }, network: { mode: 'host' } }), baseFacts()), /host network mode/);
  assert.throws(() => buildOciConfig(baseSpec({ ulimits: { nofile: { soft: 1, hard: 1_048_576 } } }), baseFacts()), /ulimits.nofile: hard limit 1048576 is above the host's 20000/);
  assert.throws(() => buildOciConfig(baseSpec({ ulimits: { nofile: { soft: 10, hard: 5 } } }), baseFacts()), /soft limit 10 is above the hard limit 5/);
  assert.throws(() => buildOciConfig(baseSpec({ devices: [{ host: '/dev/nope' }] }), baseFacts()), /device \/dev\/nope: no such device/);
});

test('entrypoint set on the container drops the image CMD; no command at all is an error', () => {
  assert.deepEqual(planArgs(baseSpec({ entrypoint: ['/bin/env'] })), ['/bin/env']);
  assert.deepEqual(planArgs(baseSpec({ command: ['echo', 'hi'] })), ['echo', 'hi']);
  assert.throws(() => buildOciConfig(baseSpec({ image: { ...baseSpec().image, cmd: null } }), baseFacts()), /create container "demo-web-1": no command specified/);
});

test('cpus becomes quota/period in microseconds; memswap defaults to twice mem_limit', () => {
  const c = buildOciConfig(baseSpec({ cpus: 1.5, memLimit: 64 << 20 }), baseFacts()) as { linux: { resources: { cpu: unknown; memory: unknown } } };
  assert.deepEqual(c.linux.resources.cpu, { period: 100000, quota: 150000 });
  assert.deepEqual(c.linux.resources.memory, { limit: 64 << 20, swap: 128 << 20 });
});

test('a container joining another network namespace that is not running is refused', () => {
  assert.throws(() => buildOciConfig(baseSpec({ network: { mode: 'container', container: 'db' } }), baseFacts()), /network namespace: container "db" is not running/);
});

test('tmpfs short form keeps Docker defaults and lets options override them', () => {
  assert.deepEqual(parseTmpfs('/run:exec,size=1m'), { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['exec', 'nosuid', 'nodev', 'size=1m'] });
  assert.throws(() => parseTmpfs('run'), /must be an absolute path/);
});

test('signals parse by name, short name and number; a bad stop signal names the container', () => {
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('kill'), 9);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('2'), 2);
  assert.throws(() => buildShimOptions(baseSpec({ stopSignal: 'SIGNOPE' }), bundle), /create container "demo-web-1": invalid signal "SIGNOPE"/);
});

test('a plain rootfs dir is passed as a single lower with no upper', () => {
  const s = baseSpec({ image: { ...baseSpec().image, lowerDirs: ['/tmp/rootfs'], plain: true } });
  assert.deepEqual(buildShimOptions(s, bundle).rootfs, { lower: ['/tmp/rootfs'] });
});

test('an unlimited (-1) ulimit becomes the host hard limit when the host cannot raise it', () => {
  const c = buildOciConfig(baseSpec({ ulimits: { nofile: { soft: -1, hard: -1 } } }), baseFacts()) as { process: { rlimits: unknown } };
  assert.deepEqual(c.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
});
