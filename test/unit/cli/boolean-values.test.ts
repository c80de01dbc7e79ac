/** Boolean flags take an explicit value as cobra's do: `--interactive=false`, `--quiet=true`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInvocation, planBooleanValues, type IO } from '../../../src/cli/program.js';
import { UserError } from '../../../src/errors.js';

const io: IO = { stdout: process.stdout, stderr: process.stderr, env: {}, cwd: '/' };
function options(argv: string[]): Record<string, unknown> {
  const inv = parseInvocation(argv, io);
  assert.ok('spec' in inv, argv.join(' '));
  return inv.ctx.options;
}

test('--flag=false unsets a boolean flag, --flag=true sets it, the plain flag and the default stay as they were', () => {
  assert.equal(options(['run', '--interactive=false', 'web', 'cat']).interactive, false);
  assert.equal(options(['run', '--interactive=true', 'web', 'cat']).interactive, true);
  assert.equal(options(['run', '-i', 'web', 'cat']).interactive, true);
  assert.equal(options(['run', 'web', 'cat']).interactive, undefined);
  assert.equal(options(['-f', 'x.yaml', '--dry-run', 'up', '--wait=true', '-d']).wait, true);
  assert.equal(options(['-p', 'demo', 'down', '--remove-orphans=false']).removeOrphans, false);
});

test('only the options before the first argument after the command are rewritten', () => {
  assert.deepEqual(planBooleanValues(['-f', 'a.yaml', 'run', '--rm=false', 'web', 'tool', '--verbose=false']),
    ['-f', 'a.yaml', 'run', '--no-rm', 'web', 'tool', '--verbose=false']);
  assert.deepEqual(planBooleanValues(['exec', 'web', 'sh', '--x=true']), ['exec', 'web', 'sh', '--x=true']);
  assert.deepEqual(planBooleanValues(['run', '--', '--a=false']), ['run', '--', '--a=false']);
  assert.deepEqual(planBooleanValues(['up', '--timeout=10', '--wait=FALSE']), ['up', '--timeout=10', '--no-wait']);
});

test('an unknown --flag=false is reported by the name written', () => {
  assert.throws(() => parseInvocation(['up', '--bogus=false'], io), (e: unknown) => e instanceof UserError && /unknown flag: --bogus$/.test(e.message));
});
