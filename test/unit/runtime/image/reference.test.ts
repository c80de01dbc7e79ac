import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference, formatReference, familiarName, registryHost, isImageId } from '../../../../runtime/image/reference.js';

const D = 'sha256:' + 'ab'.repeat(32);

const cases: Array<[string, string]> = [
  ['redis', 'docker.io/library/redis:latest'],
  ['redis:7', 'docker.io/library/redis:7'],
  ['user/app', 'docker.io/user/app:latest'],
  ['docker.io/redis', 'docker.io/library/redis:latest'],
  ['index.docker.io/redis:1', 'docker.io/library/redis:1'],
  ['docker.io/library/redis:7.2-alpine', 'docker.io/library/redis:7.2-alpine'],
  ['localhost/app', 'localhost/app:latest'],
  ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
  ['127.0.0.1:5000/a/b/c:x', '127.0.0.1:5000/a/b/c:x'],
  ['[::1]:5000/app', '[::1]:5000/app:latest'],
  ['ghcr.io/org/tool:1.0', 'ghcr.io/org/tool:1.0'],
  [`redis@${D}`, `docker.io/library/redis@${D}`],
  [`redis:7@${D}`, `docker.io/library/redis:7@${D}`],
  ['my-reg.example.com:443/a_b/c__d/e-f:T_1.x', 'my-reg.example.com:443/a_b/c__d/e-f:T_1.x'],
];

for (const [input, want] of cases) {
  test(`normalise ${input}`, () => {
    assert.equal(formatReference(parseReference(input)), want);
  });
}

const bad: Array<[string, RegExp]> = [
  ['', /empty/],
  ['Redis', /lowercase/],
  ['redis:', /bad tag/],
  ['redis:-x', /bad tag/],
  ['redis@sha256:abc', /bad digest|bad sha256/],
  [`redis@sha256:${'A'.repeat(64)}`, /bad sha256/],
  ['a//b', /bad path component/],
  ['-x/y', /bad path component/],
  ['bad_host.com:x/y', /bad (tag|registry host)/],
  [':tag', /missing repository/],
  ['x/' + 'a'.repeat(300), /255/],
];
for (const [input, re] of bad) {
  test(`reject ${JSON.stringify(input)}`, () => {
    assert.throws(() => parseReference(input), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_IMAGE_REF');
      assert.match(e.message, re);
      assert.ok(e.message.includes(`"${input.trim()}"`), e.message);
      return true;
    });
  });
}

test('familiar names drop docker.io and library/', () => {
  assert.equal(familiarName(parseReference('docker.io/library/redis:7')), 'redis:7');
  assert.equal(familiarName(parseReference('user/app')), 'user/app:latest');
  assert.equal(familiarName(parseReference('localhost:5000/app:v1')), 'localhost:5000/app:v1');
  assert.equal(familiarName(parseReference(`redis@${D}`)), `redis@${D}`);
});

test('docker hub API host and image ids', () => {
  assert.equal(registryHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryHost('localhost:5000'), 'localhost:5000');
  assert.ok(isImageId(D));
  assert.ok(isImageId('ab'.repeat(32)));
  assert.ok(!isImageId('redis'));
});

test('parsed parts', () => {
  const r = parseReference('localhost:5000/team/app:v2');
  assert.deepEqual(r, { domain: 'localhost:5000', path: 'team/app', tag: 'v2' });
});
