/** The loader is the ordered stage list of the brief; each stage can be skipped by name. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STAGES, loadModel, runStages } from '../../src/compose/load.js';

const COMPOSE = 'services:\n  web:\n    image: a:${T}\n    ports: ["80"]\n';
const opts = (skip = {}) => ({ cwd: '/tmp', workingDir: '/tmp', configFiles: [{ path: '/tmp/compose.yaml', content: COMPOSE }], environment: { T: '1' }, projectName: 'p', skip });

test('stages run in the documented order', () => {
  assert.deepEqual(STAGES.map((s) => s.name), [
    'files', 'parse', 'name', 'interpolate', 'resources', 'include', 'extends', 'paths', 'merge', 'validate', 'canonical',
    'defaults', 'env-resolution', 'profiles', 'consistency', 'unsupported', 'bind',
  ]);
});

test('skipping interpolate keeps ${} and skipping canonical keeps short syntax', async () => {
  const raw = (await runStages(opts({ interpolate: true, canonical: true }), 'bind')).tree as any;
  assert.equal(raw.services.web.image, 'a:${T}');
  assert.deepEqual(raw.services.web.ports, ['80']);
  const full = (await runStages(opts(), 'bind')).tree as any;
  assert.equal(full.services.web.image, 'a:1');
  assert.equal(full.services.web.ports[0].target, 80);
});

test('skipping defaults leaves out the default network', async () => {
  assert.equal(((await runStages(opts({ defaults: true }), 'bind')).tree as any).networks, undefined);
  assert.ok(((await runStages(opts(), 'bind')).tree as any).networks.default);
});

test('loadModel stops after merge (raw model)', async () => {
  const model = (await loadModel(opts())) as any;
  assert.deepEqual(model.services.web.ports, ['80']);
});
