import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execPrepareBindSource, execResolveSubpath, planBindOptions } from '../../../../runtime/volume/bind.js';

test('bind options: propagation checked, :z/:Z accepted with a warning', () => {
  assert.deepEqual(planBindOptions({ container: 'c', target: '/d' }), { propagation: 'rprivate', warnings: [] });
  assert.equal(planBindOptions({ container: 'c', target: '/d', propagation: 'rshared' }).propagation, 'rshared');
  assert.match(planBindOptions({ container: 'web-1', target: '/d', selinux: 'Z' }).warnings[0]!, /container "web-1": bind \/d: SELinux relabelling \(:Z\) is not done/);
  assert.throws(() => planBindOptions({ container: 'c', target: '/d', propagation: 'bogus' }), { code: 'E_BIND_OPTS' });
});

test('bind sources: created when allowed, refused when not, a failure to create names the path', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsc-bind-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const want = path.join(dir, 'a', 'b');
  assert.equal(execPrepareBindSource('c', want), want);
  assert.ok(statSync(want).isDirectory());
  assert.throws(() => execPrepareBindSource('c', path.join(dir, 'nope'), { createHostPath: false }),
    { code: 'E_BIND_SOURCE', message: `container "c": bind mount source "${path.join(dir, 'nope')}": does not exist (create_host_path is false)` });
  writeFileSync(path.join(dir, 'file'), '');
  assert.throws(() => execPrepareBindSource('web-1', path.join(dir, 'file', 'sub')),
    { message: new RegExp(`container "web-1": bind mount source ".*file/sub"`) });
  assert.throws(() => execPrepareBindSource('c', 'relative/dir'), { message: /not an absolute path/ });
});

test('volume subpaths stay inside the volume and must exist', (t) => {
  const mp = mkdtempSync(path.join(tmpdir(), 'tsc-subpath-'));
  t.after(() => rmSync(mp, { recursive: true, force: true }));
  mkdirSync(path.join(mp, 'sites', 'a'), { recursive: true });
  symlinkSync('/etc', path.join(mp, 'escape'));
  assert.equal(execResolveSubpath('v', mp, 'sites/a'), path.join(mp, 'sites', 'a'));
  assert.throws(() => execResolveSubpath('v', mp, '../x'), { code: 'E_VOLUME_SUBPATH', message: 'volume "v": subpath "../x": must be a relative path inside the volume' });
  assert.throws(() => execResolveSubpath('v', mp, '/abs'), { code: 'E_VOLUME_SUBPATH' });
  assert.throws(() => execResolveSubpath('v', mp, 'escape'), { message: /leads outside the volume/ });
  assert.throws(() => execResolveSubpath('v', mp, 'missing'), { message: /does not exist in the volume/ });
});
