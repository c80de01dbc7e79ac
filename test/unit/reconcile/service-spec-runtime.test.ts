/** `runtime:` of a service → ContainerSpec.runtime: runc selects Debian's runc, anything unknown is a clear user error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuntimeName } from '../../../src/reconcile/service-spec.js';

test('runtime: absent keeps the default, runc and shim pass through', () => {
  assert.equal(planRuntimeName(undefined, 'service "web"'), undefined);
  assert.equal(planRuntimeName('runc', 'service "web"'), 'runc');
  assert.equal(planRuntimeName('shim', 'service "web"'), 'shim');
});

test('an unknown runtime names the service and the value', () => {
  assert.throws(() => planRuntimeName('nvidia', 'service "gpu"'), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.message, 'service "gpu": runtime "nvidia" is not supported');
    assert.equal(e.code, 'E_SPEC_RUNTIME');
    assert.match(e.hint ?? '', /runtime: runc/);
    return true;
  });
});
