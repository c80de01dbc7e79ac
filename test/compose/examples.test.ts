/** Every examples/<name>/compose.yaml loads (as `config -q` does) and has the shape its README promises. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadProject } from '../../src/compose/load.js';
import { repoRoot } from './conformance-paths.js';

const examples = readdirSync(path.join(repoRoot, 'examples')).filter((d) => existsSync(path.join(repoRoot, 'examples', d, 'compose.yaml')));

async function load(name: string) {
  const dir = path.join(repoRoot, 'examples', name);
  return loadProject({ cwd: dir, configFiles: [{ path: path.join(dir, 'compose.yaml') }], environment: {} });
}

test('there are examples to check', () => assert.ok(examples.length >= 4, examples.join(',')));

for (const name of examples) {
  test(`example ${name} loads`, async () => {
    const p = await load(name);
    assert.ok(Object.keys(p.services).length > 0);
    assert.equal(p.name, name);
  });
}

test('example shapes', async () => {
  const wp = await load('wordpress');
  assert.equal(wp.secrets.db_password!.file, path.join(repoRoot, 'examples/wordpress/secrets/db_password.txt'));
  assert.equal(wp.services.wordpress!.depends_on!.db!.condition, 'service_healthy');
  const worker = await load('scaled-worker');
  assert.equal(worker.services.worker!.deploy!.replicas, 3);
  const nets = await load('two-networks');
  assert.deepEqual(Object.keys(nets.services.app!.networks!).sort(), ['backend', 'frontend']);
  assert.equal(nets.networks.backend!.internal, true);
  assert.equal(nets.volumes.pgdata!.name, 'two-networks_pgdata');
});
