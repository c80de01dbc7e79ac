/**
 * Unit (no root): the decisions behind stdin without a terminal. shim.json gets "stdin" only for a
 * stdin_open container without a tty (a tty's input is its pty), with `once` from stdinOnce; a one-off
 * run in the foreground gets stdinOnce (docker's StdinOnce = AttachStdin && OpenStdin), a detached one not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildShimOptions } from '../../runtime/container/shim-options.js';
import { planOneoffSpec, planRunService, type RunOverrides } from '../../src/reconcile/plan-run.js';
import type { ServiceConfig } from '../../src/compose/types.js';
import { baseSpec, bundle } from '../unit/runtime/container/fixtures.js';

test('shim.json stdin: a pipe for stdin_open without a tty, absent otherwise', () => {
  assert.equal(buildShimOptions(baseSpec(), bundle).stdin, undefined, 'default: /dev/null');
  assert.equal('stdin' in buildShimOptions(baseSpec({ stdinOpen: false }), bundle), false);
  assert.deepEqual(buildShimOptions(baseSpec({ stdinOpen: true }), bundle).stdin, { open: true, once: false });
  assert.deepEqual(buildShimOptions(baseSpec({ stdinOpen: true, stdinOnce: true }), bundle).stdin, { open: true, once: true });
  assert.equal(buildShimOptions(baseSpec({ stdinOpen: true, tty: true }), bundle).stdin, undefined, 'a tty takes its input from the pty');
  assert.equal(buildShimOptions(baseSpec({ stdinOnce: true }), bundle).stdin, undefined, 'once means nothing without open');
});

test('run: stdin_open follows -i, the foreground one-off closes its stdin at the CLI\'s EOF', () => {
  const none: RunOverrides = { command: [], env: [], labels: {}, volumes: [], publish: [], servicePorts: false, capAdd: [], capDrop: [], tty: false, interactive: true };
  const web = { name: 'web', image: 'busybox' } as unknown as ServiceConfig;
  assert.equal(planRunService(web, none, () => undefined).stdin_open, true);
  assert.equal(planRunService(web, { ...none, interactive: false }, () => undefined).stdin_open, false);
  const open = baseSpec({ stdinOpen: true });
  assert.equal(planOneoffSpec(open, 'slug', true).stdinOnce, true, 'attached: StdinOnce');
  assert.equal(planOneoffSpec(open, 'slug', false).stdinOnce, undefined, 'detached: no StdinOnce');
  assert.equal(planOneoffSpec(baseSpec({ stdinOpen: false }), 'slug', true).stdinOnce, undefined, 'no open stdin: nothing to close');
  assert.equal(planOneoffSpec(open, 'slug').labels['com.docker.compose.oneoff'], 'True');
});
