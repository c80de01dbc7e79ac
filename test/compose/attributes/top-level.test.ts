import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadError, loadYaml } from './helpers.js';

test('name: the top-level name is the project name unless one is given', async () => {
  assert.equal((await loadYaml('name: fromfile\nservices:\n  web:\n    image: a\n', { projectName: null })).project.name, 'fromfile');
  assert.equal((await loadYaml('name: fromfile\nservices:\n  web:\n    image: a\n', { projectName: 'flag' })).project.name, 'flag');
  assert.equal((await loadYaml('name: ${N}\nservices: {}\n', { projectName: null, env: { N: 'interp' } })).project.name, 'interp');
});

test('version: obsolete, warned about and dropped from the output', async () => {
  const { doc, project } = await loadYaml('version: "3.8"\nservices:\n  web:\n    image: a\n');
  assert.equal(doc.version, undefined);
  assert.ok(project.warnings.some((w) => w.includes('the attribute `version` is obsolete')));
});

test('x-* extensions are allowed at the top level and kept', async () => {
  const { doc } = await loadYaml('x-common: &c { image: a }\nservices:\n  web: *c\n');
  assert.deepEqual(doc['x-common'], { image: 'a' });
  assert.equal(doc.services.web.image, 'a');
});

test('unknown top-level keys are errors naming the key and its position', async () => {
  assert.match(await loadError('services: {}\nhelicopters: {}\n'), /compose\.yaml:2:1: validating: \(root\) additional properties 'helicopters' not allowed/);
});

test('unknown service keys are errors', async () => {
  assert.match(await loadError('services:\n  web:\n    image: a\n    imagee: b\n'), /compose\.yaml:4:5: validating: services\.web additional properties 'imagee' not allowed/);
});

test('models (top level) are kept and reported as ignored', async () => {
  const { doc, project } = await loadYaml('services: {}\nmodels:\n  llm:\n    model: ai/smollm2\n');
  assert.deepEqual(doc.models, { llm: { model: 'ai/smollm2' } });
  assert.ok(project.warnings.includes('ignoring top-level models'));
});

test('an empty file is an error', async () => {
  assert.equal(await loadError(''), 'empty compose file');
});

test('services: a mapping of services; names are validated', async () => {
  assert.deepEqual(Object.keys((await loadYaml('services:\n  a: { image: x }\n  b.c_d-1: { image: y }\n')).doc.services), ['a', 'b.c_d-1']);
  assert.match(await loadError('services:\n  "bad name": { image: x }\n'), /validating: services additional properties 'bad name' not allowed/);
});
