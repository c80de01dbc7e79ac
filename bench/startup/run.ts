/**
 * Start-up cost of the CLI: `tscompose version` against bare `node -e 0`, median of interleaved runs.
 * Run: npm run bench -- startup   (the environment's NODE_EXTRA_CA_CERTS is cleared for both: it costs
 * Node ~70 ms at start on this machine and is not ours to measure)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleaved, mustRun, report } from '../lib/measure.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/cli/main.js');
const env = { ...process.env, NODE_EXTRA_CA_CERTS: '' };
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const results = interleaved([
  { name: 'node -e 0', run: () => mustRun(process.execPath, ['-e', '0'], env) },
  { name: 'tscompose version', run: () => mustRun(cli, ['version'], env) },
  { name: 'tscompose --help', run: () => mustRun(cli, ['--help'], env) },
], rounds);
report('startup', { rounds, results, goal: { 'tscompose version': '< 150 ms' } });
