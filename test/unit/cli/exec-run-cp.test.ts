/** exec, run and cp: argument parsing (options stop at SERVICE), run's -v/-p forms, cp's direction and targets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInvocation, type IO } from '../../../src/cli/program.js';
import { checkRunFlags, parseRunPorts, parseRunVolumes } from '../../../src/cli/commands/run.js';
import { parseCpArg, planCp, planCpTargets } from '../../../src/cli/commands/cp.js';
import { L } from '../../../src/reconcile/labels.js';

const io: IO = { stdout: process.stdout, stderr: process.stderr, env: {}, cwd: '/' };
function parse(argv: string[]) {
  const inv = parseInvocation(argv, io);
  if ('help' in inv) throw new Error('help shown');
  return { name: inv.spec.name, args: inv.ctx.args, options: inv.ctx.options, project: inv.ctx.global.projectName };
}

test('exec: options end at SERVICE; the command keeps its own flags', () => {
  const a = parse(['exec', 'web', 'sh', '-c', 'exit 7']);
  assert.deepEqual(a.args, ['web', 'sh', '-c', 'exit 7']);
  assert.equal(a.options.tty, undefined, 'neither -t nor -T: decided by the terminals');
  const b = parse(['exec', '-T', '-d', '-e', 'A=1', '-e', 'B', '-u', 'nobody', '-w', '/tmp', '--index', '2', '--privileged', 'web', 'ls', '-la', '--index', '9']);
  assert.deepEqual(b.args, ['web', 'ls', '-la', '--index', '9']);
  assert.deepEqual(b.options, { ...b.options, tty: false, detach: true, env: ['A=1', 'B'], user: 'nobody', workdir: '/tmp', index: '2', privileged: true });
  assert.equal(parse(['exec', '-t', 'web', 'sh']).options.tty, true);
  assert.throws(() => parse(['exec', 'web']), /missing required argument/);
});

test('run: -p is --publish after the command name, the project name before it', () => {
  const a = parse(['-p', 'proj', 'run', '--rm', '-p', '8080:80', '-v', './d:/d', '-l', 'a=b', '--no-deps', '--entrypoint', 'sh -c', 'web', 'echo', '-n', 'x']);
  assert.equal(a.project, 'proj');
  assert.deepEqual(a.args, ['web', 'echo', '-n', 'x']);
  assert.deepEqual([a.options.rm, a.options.publish, a.options.volume, a.options.label, a.options.deps, a.options.entrypoint], [true, ['8080:80'], ['./d:/d'], ['a=b'], false, 'sh -c']);
  assert.equal(parse(['run', 'web']).options.deps, true);
});

test('run: -v in long form, relative and ~ binds from where the CLI runs', () => {
  assert.deepEqual(parseRunVolumes(['./data:/data:ro', '~/x:/x', 'named:/n', '/abs:/abs'], '/work/proj', '/home/me').map((v) => [v.type, v.source, v.target, v.read_only ?? false]), [
    ['bind', '/work/proj/data', '/data', true],
    ['bind', '/home/me/x', '/x', false],
    ['volume', 'named', '/n', false],
    ['bind', '/abs', '/abs', false],
  ]);
  assert.throws(() => parseRunVolumes(['a:b:c:d'], '/'), /--volume: invalid volume "a:b:c:d"/);
});

test('run: -p in long form; flags refused together', () => {
  assert.deepEqual(parseRunPorts(['127.0.0.1:8080:80/udp', '9000']).map((p) => [p.host_ip, p.published, p.target, p.protocol]), [
    ['127.0.0.1', '8080', 80, 'udp'],
    [undefined, undefined, 9000, 'tcp'],
  ]);
  assert.throws(() => checkRunFlags({ publish: ['80'], servicePorts: true }), /--service-ports and --publish are incompatible/);
  assert.throws(() => checkRunFlags({ rm: true, detach: true }), /--rm with -d is not supported/);
  assert.doesNotThrow(() => checkRunFlags({ rm: true, publish: [] }));
});

test('cp: SERVICE:PATH or a local path, as docker compose splits them', () => {
  assert.deepEqual(parseCpArg('web:/etc/hosts'), { service: 'web', path: '/etc/hosts' });
  assert.deepEqual(parseCpArg('/abs/with:colon'), { path: '/abs/with:colon' });
  assert.deepEqual(parseCpArg('./rel:x'), { path: './rel:x' });
  assert.deepEqual(parseCpArg('plain'), { path: 'plain' });
  assert.deepEqual(planCp('web:/a', 'out'), { direction: 'out', service: 'web', containerPath: '/a', hostPath: 'out' });
  assert.deepEqual(planCp('in', 'web:/b'), { direction: 'in', service: 'web', containerPath: '/b', hostPath: 'in' });
  assert.throws(() => planCp('web:/a', 'db:/b'), /copying between services is not supported/);
  assert.throws(() => planCp('a', 'b'), /unknown copy direction/);
  assert.throws(() => planCp('-', 'web:/b'), /"-" .* not supported/);
});

test('cp: in to every replica, out from the first; one-offs only with --all; --index picks one', () => {
  const c = (name: string, number?: string) => ({ id: name, name, labels: { [L.service]: 'web', [L.oneoff]: number ? 'False' : 'True', ...(number ? { [L.number]: number } : {}) } });
  const running = [c('p-web-2', '2'), c('p-web-run-x'), c('p-web-1', '1')];
  const into = planCp('f', 'web:/f');
  const outOf = planCp('web:/f', 'f');
  assert.deepEqual(planCpTargets(running, into, {}).map((x) => x.name), ['p-web-1', 'p-web-2']);
  assert.deepEqual(planCpTargets(running, into, { all: true }).map((x) => x.name).sort(), ['p-web-1', 'p-web-2', 'p-web-run-x']);
  assert.deepEqual(planCpTargets(running, outOf, {}).map((x) => x.name), ['p-web-1']);
  assert.deepEqual(planCpTargets(running, into, { index: 2 }).map((x) => x.name), ['p-web-2']);
  assert.throws(() => planCpTargets([c('p-web-run-x')], outOf, {}), /no container found for service "web"/);
});
