/**
 * scripts/bundle-cli.mjs: the bundled CLI must behave exactly as the tsc build it is made from (same
 * output, same exit codes), find its package files from its own folder, and ship the DNS resolver's
 * entry beside the code that starts it. Needs the tsc build (npm test makes it; else npx tsc -p tsconfig.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath, repoRoot } from '../../helpers/cli.js';

interface Run { code: number | null; stdout: string; stderr: string }

function run(cli: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(cli, args, { cwd: opts.cwd ?? repoRoot, env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...opts.env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the bundled CLI answers as the tsc build does, and ships serve.js beside its chunks', { timeout: 180_000 }, (t) => {
  // Inside the package (package.json, compose-spec/ and binding.gyp are found by walking up from the bundle).
  const outdir = path.join(repoRoot, 'dist', `.bundle-test-${process.pid}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-bundle-test-'));
  t.after(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });
  const b = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/bundle-cli.mjs'), '--outdir', outdir], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  const bundled = path.join(outdir, 'main.js');
  assert.ok((fs.statSync(bundled).mode & 0o111) !== 0, 'main.js is executable');

  const project = path.join(work, 'proj');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'compose.yaml'), [
    'services:',
    '  web:',
    '    image: nginx:${TAG:-1.27}',
    '    ports: ["8080:80"]',
    '    depends_on: [db]',
    '    volumes: [data:/srv, ./html:/usr/share/nginx/html:ro]',
    '  db:',
    '    image: postgres:16',
    '    environment: { PGPASSWORD: "a$$b" }',
    'volumes:',
    '  data: {}',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(project, 'bad.yaml'), 'services:\n  web:\n    image: 3\n    ports: "x"\n');
  const root = path.join(work, 'root');
  const cases: { args: string[]; cwd?: string; env?: Record<string, string> }[] = [
    { args: ['version'] },
    { args: ['version', '--format', 'json'] },
    { args: ['--help'] },
    { args: ['image', '--help'] },
    { args: ['frobnicate'] },
    { args: ['version', '--bogus'] },
    { args: ['config'], cwd: project },
    { args: ['config', '--format', 'json'], cwd: project },
    { args: ['config', '-q'], cwd: project },
    { args: ['config', '--services'], cwd: project },
    { args: ['config', '--hash', '*'], cwd: project },
    { args: ['-f', 'bad.yaml', 'config'], cwd: project },
    { args: ['image', 'ls'], env: { TSCOMPOSE_ROOT: root } },
    { args: ['image', 'pull', 'not a reference'], env: { TSCOMPOSE_ROOT: root } },
    { args: ['volume', 'ls'], env: { TSCOMPOSE_ROOT: root } },
    { args: ['network', 'ls'], env: { TSCOMPOSE_ROOT: root } },
  ];
  for (const c of cases) {
    const want = run(cliPath, c.args, c);
    const got = run(bundled, c.args, c);
    assert.deepEqual(got, want, `tscompose ${c.args.join(' ')}`);
  }
  // The cases cover both outcomes, so equality above means something.
  assert.equal(run(cliPath, ['config', '-q'], { cwd: project }).code, 0);
  assert.equal(run(cliPath, ['-f', 'bad.yaml', 'config'], { cwd: project }).code, 1);

  // runtime/network/dns/process.ts starts serve.js from the folder of its own (bundled) code.
  const starters = fs.readdirSync(outdir).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(outdir, f), 'utf8').includes('serve${ext}'));
  assert.equal(starters.length, 1, `one chunk starts the resolver: ${starters.join(', ')}`);
  const serve = spawnSync(process.execPath, [path.join(outdir, 'serve.js')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(serve.status, 2, serve.stderr);
  assert.match(serve.stderr, /^usage: serve <record\.json> <address> <port>\n$/);
});

test('bundle-cli refuses an output folder outside the package', () => {
  const outside = path.join(os.tmpdir(), `tsc-bundle-outside-${process.pid}`);
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/bundle-cli.mjs'), '--outdir', outside], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^bundle-cli: --outdir .* is outside the package/);
  assert.equal(fs.existsSync(outside), false);
});
