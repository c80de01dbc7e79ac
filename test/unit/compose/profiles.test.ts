import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfiles, disabledServices } from '../../../src/compose/profiles.js';

const doc = () => ({
  name: 'p',
  services: {
    web: { image: 'w', depends_on: { db: { condition: 'service_started', required: true } } },
    db: { image: 'd' },
    debug: { image: 'x', profiles: ['debug'] },
    tools: { image: 't', profiles: ['tools', 'ops'] },
  },
});

const names = (t: any) => Object.keys(t.services).sort();

test('services without profiles are always enabled; others need an active profile', () => {
  const t = applyProfiles(doc(), [], []) as any;
  assert.deepEqual(names(t), ['db', 'web']);
  assert.deepEqual(Object.keys(disabledServices(t)).sort(), ['debug', 'tools']);
  assert.deepEqual(names(applyProfiles(doc(), ['ops'], [])), ['db', 'tools', 'web']);
  assert.deepEqual(names(applyProfiles(doc(), [' debug ', ''], [])), ['db', 'debug', 'web']);
});

test('* enables every profile', () => {
  assert.deepEqual(names(applyProfiles(doc(), ['*'], [])), ['db', 'debug', 'tools', 'web']);
});

test('a service named on the command line enables its own profiles', () => {
  const t = applyProfiles(doc(), [], ['tools']) as any;
  assert.deepEqual(names(t), ['db', 'tools', 'web']);
  assert.throws(() => applyProfiles(doc(), [], ['nope']), /no such service: nope/);
});

test('the disabled list is not serialised and the input is not modified', () => {
  const input = doc();
  const t = applyProfiles(input, [], []);
  assert.ok(!JSON.stringify(t).includes('debug'));
  assert.equal(Object.keys(input.services).length, 4);
});

test('depends_on into a disabled service is an error naming the profiles', () => {
  const d: any = doc();
  d.services.web.depends_on.debug = { condition: 'service_started', required: true };
  assert.throws(() => applyProfiles(d, [], []), (e: any) => {
    assert.equal(e.code, 'E_PROFILE');
    assert.equal(e.message, 'service debug is required by web but is disabled. Can be enabled by profiles [debug]');
    return true;
  });
  const short: any = doc();
  short.services.web.depends_on = ['db', 'tools'];
  assert.throws(() => applyProfiles(short, [], []), /service tools is required by web but is disabled\. Can be enabled by profiles \[tools ops\]/);
});

test('required: false drops the dependency instead', () => {
  const d: any = doc();
  d.services.web.depends_on.debug = { condition: 'service_started', required: false };
  const t = applyProfiles(d, [], []) as any;
  assert.deepEqual(Object.keys(t.services.web.depends_on), ['db']);
  assert.ok('debug' in d.services.web.depends_on, 'input untouched');
  const on = applyProfiles(d, ['debug'], []) as any;
  assert.deepEqual(Object.keys(on.services.web.depends_on).sort(), ['db', 'debug']);
});

test('--profile wins over COMPOSE_PROFILES, which is split on commas', async () => {
  const { selectProfiles } = await import('../../../src/compose/profiles.js');
  assert.deepEqual(selectProfiles([], { COMPOSE_PROFILES: 'a, b,,c' }), ['a', 'b', 'c']);
  assert.deepEqual(selectProfiles(['x'], { COMPOSE_PROFILES: 'a' }), ['x']);
  assert.deepEqual(selectProfiles([], {}), []);
});
