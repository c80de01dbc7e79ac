import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planVolumeMount, MS } from '../../../../runtime/volume/mount-plan.js';
import { planSecretContent, planSecretTarget } from '../../../../runtime/volume/secrets.js';

test('local driver options become one mount call', () => {
  assert.equal(planVolumeMount('v', {}), undefined);
  assert.deepEqual(planVolumeMount('v', { type: 'tmpfs', device: 'tmpfs', o: 'size=64m,uid=1000,noexec' }),
    { source: 'tmpfs', fstype: 'tmpfs', flags: MS.NOEXEC, data: 'size=64m,uid=1000' });
  assert.deepEqual(planVolumeMount('v', { type: 'none', o: 'bind', device: '/srv/data' }), { source: '/srv/data', fstype: null, flags: MS.BIND, data: null });
  assert.deepEqual(planVolumeMount('v', { type: 'none', o: 'rbind,ro', device: '/srv/data' }), { source: '/srv/data', fstype: null, flags: MS.BIND | MS.REC | MS.RDONLY, data: null });
  assert.deepEqual(planVolumeMount('v', { type: 'nfs', o: 'addr=10.0.0.1,rw', device: ':/export' }), { source: ':/export', fstype: 'nfs', flags: 0, data: 'addr=10.0.0.1' });
});

test('bad driver options name the volume and the option', () => {
  assert.throws(() => planVolumeMount('db', { size: '1g' }), { code: 'E_VOLUME_OPTS', message: 'volume "db": driver_opts size not known to the local driver (type, o, device)' });
  assert.throws(() => planVolumeMount('db', { o: 'bind', device: '/x' }), { message: /driver_opts need a type/ });
  assert.throws(() => planVolumeMount('db', { type: 'none', device: '/x' }), { message: /type=none needs o=bind/ });
  assert.throws(() => planVolumeMount('db', { type: 'none', o: 'bind', device: 'rel/x' }), { message: /must be an absolute path/ });
  assert.throws(() => planVolumeMount('db', { type: 'ext4' }), { message: /type=ext4 needs a device/ });
});

test('secret and config targets', () => {
  assert.equal(planSecretTarget('secret', 'db_pass'), '/run/secrets/db_pass');
  assert.equal(planSecretTarget('config', 'nginx.conf'), '/nginx.conf');
  assert.equal(planSecretTarget('secret', 'db_pass', 'pw.txt'), '/run/secrets/pw.txt');
  assert.equal(planSecretTarget('secret', 'db_pass', '/etc/app/../pw'), '/etc/pw');
  assert.equal(planSecretTarget('config', 'c', 'etc/c.conf'), '/etc/c.conf');
});

test('secret content from exactly one source', () => {
  const files: Record<string, string> = { '/s/pw': 'from-file' };
  const read = (p: string) => { if (!(p in files)) throw Object.assign(new Error('no'), { code: 'ENOENT' }); return Buffer.from(files[p]!); };
  const req = (source: object) => ({ kind: 'secret' as const, name: 'pw', source });
  assert.equal(planSecretContent(req({ file: '/s/pw' }), {}, read).toString(), 'from-file');
  assert.equal(planSecretContent(req({ environment: 'PW' }), { PW: 'from-env' }, read).toString(), 'from-env');
  assert.equal(planSecretContent({ kind: 'config', name: 'c', source: { content: 'inline' } }, {}, read).toString(), 'inline');
  assert.throws(() => planSecretContent(req({ environment: 'NOPE' }), {}, read), { code: 'E_SECRET_SOURCE', message: 'secret "pw": environment variable NOPE is not set' });
  assert.throws(() => planSecretContent(req({ file: '/s/missing' }), {}, read), { code: 'E_SECRET_SOURCE_ENOENT', message: /secret "pw": read \/s\/missing: ENOENT/ });
  assert.throws(() => planSecretContent(req({ file: '/s/pw', content: 'x' }), {}, read), { message: /exactly one of file, environment \(got file, content\)/ });
});
