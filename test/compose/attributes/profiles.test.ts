import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadYaml } from './helpers.js';

const doc = 'services:\n  web:\n    image: a\n  debug:\n    image: b\n    profiles: [debug]\n';

test('profiles: services with a profile are disabled unless the profile is active', async () => {
  const off = await loadYaml(doc);
  assert.deepEqual(Object.keys(off.doc.services), ['web']);
  assert.deepEqual(Object.keys(off.project.disabledServices), ['debug']);
  const on = await loadYaml(doc, { profiles: ['debug'] });
  assert.deepEqual(Object.keys(on.doc.services).sort(), ['debug', 'web']);
  assert.deepEqual(on.doc.services.debug.profiles, ['debug']);
});

test('profiles: "*" enables every profile; a named service enables its own', async () => {
  assert.deepEqual(Object.keys((await loadYaml(doc, { profiles: ['*'] })).doc.services).sort(), ['debug', 'web']);
  assert.ok('debug' in (await loadYaml(doc, { services: ['debug'] })).doc.services);
});
