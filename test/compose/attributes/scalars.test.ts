/**
 * Service attributes whose canonical form is their written form or a simple conversion, one test
 * each, table-driven: [attribute, yaml lines, expected canonical value(s)].
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadService, svc } from './helpers.js';
import { SCALAR_CASES } from './scalar-cases.js';



for (const [key, yaml, expected] of SCALAR_CASES) {
  test(`${key}: ${yaml.split('\n')[0]}`, async () => {
    const s = await loadService(svc(yaml));
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(s[k], v, k);
  });
}
