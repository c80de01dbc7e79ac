/**
 * Start-up cost of the CLI against bare `node -e 0`, median of interleaved runs:
 *   - `tscompose version` and `--help` (goal: well under 150 ms);
 *   - `tscompose config -q` on a generated 10-service project (goal: < 150 ms);
 *   - `tscompose image pull -q` of an image whose layers are all present, from a loopback registry
 *     (goal: < 100 ms; needs /usr/bin/docker-registry and root for the first, unpacking pull; skipped
 *     with a note otherwise), and `tscompose image ls` on the same store.
 * Run: npm run bench -- startup   (BENCH_ROUNDS=30 by default; BENCH_CLI=path/to/main.js measures another
 * build). NODE_EXTRA_CA_CERTS is cleared for every case: it costs Node ~70 ms at start on this machine and
 * is not ours to measure; when the environment sets it, `tscompose version` is measured once more with it,
 * so both figures are on record.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleaved, mustRun, report, type Case } from '../lib/measure.js';
import { buildImageFromFiles } from '../../test/helpers/image-kit.js';
import { REGISTRY_BIN, pushImage, startRegistry, type Registry } from '../../test/helpers/registry.js';

// What users run: package.json's bin (the tsc build, or the bundle of scripts/bundle-cli.mjs when the bin
// names it). BENCH_CLI: another build (e.g. a checkout of the previous commit) for before/after figures.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.tscompose!;
const cli = process.env.BENCH_CLI ?? path.join(repo, bin);
const env = { ...process.env, NODE_EXTRA_CA_CERTS: '' };
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const work = mkdtempSync(path.join(os.tmpdir(), 'tsc-bench-startup-'));

/** Pure: a Compose file with n services that use the common attributes (ports, volumes, env, depends_on). */
function composeWithServices(n: number): string {
  const out = ['services:'];
  for (let i = 0; i < n; i++) {
    out.push(`  svc${i}:`, `    image: busybox:1.${i}`, '    command: ["sleep", "3600"]', '    environment:', `      IDX: "${i}"`, '      WHO: ${USER:-nobody}');
    out.push('    ports:', `      - "${18000 + i}:80"`, '    volumes:', `      - data${i}:/data`, '      - ./conf:/etc/conf:ro', '    networks: [front, back]');
    out.push('    healthcheck:', '      test: ["CMD", "true"]', '      interval: 5s');
    if (i > 0) out.push('    depends_on:', `      svc${i - 1}:`, '        condition: service_started');
  }
  out.push('volumes:', ...Array.from({ length: n }, (_, i) => `  data${i}: {}`), 'networks:', '  front: {}', '  back: {}');
  return `${out.join('\n')}\n`;
}

/** A two-layer image pushed to a loopback registry and pulled once into its own root, or why not. */
async function presentImage(): Promise<{ reg: Registry; ref: string; root: string } | { skipped: string }> {
  if (!existsSync(REGISTRY_BIN)) return { skipped: `${REGISTRY_BIN} not installed` };
  if (process.getuid?.() !== 0) return { skipped: 'the first pull unpacks layers with their owners: run as root' };
  const img = await buildImageFromFiles({
    name: 'tscompose-bench/startup',
    layers: [[{ path: '/etc/', type: 'dir' }, { path: '/etc/hostname', content: 'bench\n' }], [{ path: '/hello.txt', content: 'hello\n' }]],
    config: { Cmd: ['/bin/sh'] },
  });
  const reg = await startRegistry();
  try {
    await pushImage(reg, img.layoutDir, 'bench/startup', 'latest');
    const ref = `${reg.host}/bench/startup:latest`;
    const root = path.join(work, 'root');
    const r = spawnSync(cli, ['image', 'pull', '-q', ref], { env: { ...env, TSCOMPOSE_ROOT: root }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`first pull of ${ref} failed: ${r.stderr}`);
    return { reg, ref, root };
  } catch (e) {
    await reg.stop();
    throw e;
  }
}

async function main(): Promise<void> {
  const composeFile = path.join(work, 'compose.yaml');
  writeFileSync(composeFile, composeWithServices(10));
  const image = await presentImage();
  try {
    const cases: Case[] = [
      { name: 'node -e 0', run: () => mustRun(process.execPath, ['-e', '0'], env) },
      { name: 'tscompose version', run: () => mustRun(cli, ['version'], env) },
      { name: 'tscompose --help', run: () => mustRun(cli, ['--help'], env) },
      { name: 'tscompose config -q (10 services)', run: () => mustRun(cli, ['-f', composeFile, 'config', '-q'], env) },
    ];
    if ('ref' in image) {
      const storeEnv = { ...env, TSCOMPOSE_ROOT: image.root };
      cases.push({ name: 'tscompose image pull -q (all layers present)', run: () => mustRun(cli, ['image', 'pull', '-q', image.ref], storeEnv) });
      cases.push({ name: 'tscompose image ls', run: () => mustRun(cli, ['image', 'ls'], storeEnv) });
    } else {
      const storeEnv = { ...env, TSCOMPOSE_ROOT: path.join(work, 'empty-root') };
      cases.push({ name: 'tscompose image ls', run: () => mustRun(cli, ['image', 'ls'], storeEnv) });
    }
    if (process.env.NODE_EXTRA_CA_CERTS) {
      cases.push({ name: 'tscompose version (NODE_EXTRA_CA_CERTS as set)', run: () => mustRun(cli, ['version'], process.env) });
    }
    const results = interleaved(cases, rounds);
    report('startup', {
      cli: path.relative(repo, cli),
      rounds,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      results,
      ...('skipped' in image ? { skipped: { 'tscompose image pull -q (all layers present)': image.skipped } } : {}),
      goal: { 'tscompose version': '< 150 ms', 'tscompose config -q (10 services)': '< 150 ms', 'tscompose image pull -q (all layers present)': '< 100 ms' },
    });
  } finally {
    if ('reg' in image) await image.reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
