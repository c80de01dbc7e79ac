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
  assert.equal(worker.services.worker!.depends_on!.queue!.condition, 'service_healthy');
  const nets = await load('two-networks');
  assert.deepEqual(Object.keys(nets.services.web!.networks!).sort(), ['backend', 'frontend']);
  assert.deepEqual(Object.keys(nets.services.db!.networks!), ['backend']);
  assert.deepEqual(Object.keys(nets.services.edge!.networks!), ['frontend']);
  assert.equal(nets.volumes.dbdata!.name, 'two-networks_dbdata');
  const web = await load('web-redis');
  assert.equal(web.services.web!.depends_on!.redis!.condition, 'service_healthy');
  assert.equal(web.services.web!.volumes![0]!.source, path.join(repoRoot, 'examples/web-redis/site'));
  const mig = await load('migration');
  assert.equal(mig.services.app!.depends_on!.migrate!.condition, 'service_completed_successfully');
  assert.match(String((mig.services.migrate!.command as string[])[2]), /reply=\$\(printf 'SET schema_version 2/, 'the $$ escapes become $');
  const quick = await load('quickstart');
  assert.equal(quick.services.web!.ports![0]!.published, '8080');
  assert.equal(quick.services.web!.ports![0]!.host_ip, '127.0.0.1');
});

/** The images every offline example names are the ones scripts/kit-images.mjs loads. */
test('offline examples use only the kit images and each has a README', async () => {
  for (const name of examples) {
    assert.ok(existsSync(path.join(repoRoot, 'examples', name, 'README.md')), `examples/${name}/README.md`);
    if (name === 'wordpress') continue;
    const p = await load(name);
    for (const [svc, s] of Object.entries(p.services)) assert.ok(['busybox', 'redis'].includes(String(s.image)), `${name}/${svc}: ${s.image}`);
  }
});
