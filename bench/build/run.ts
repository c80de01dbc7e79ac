/**
 * Build benchmark (JSON on stdout): `tscompose build` of a two-stage Dockerfile on the kit's busybox (5 RUN
 * steps, a COPY of 200 source files, a COPY --from), in a fresh root each round:
 *   - cold: nothing cached (the base image is loaded, no layer is);
 *   - cached: the same build again, every step CACHED;
 *   - one file changed: the COPY of the sources and every step after it rebuilt.
 * Median over rounds (each round: cold, cached, changed, in that order, as a user meets them). No peer
 * figure: docker build needs a Docker engine, which this machine does not run (the result says whether
 * one answered).
 * Run as root: node --import tsx bench/build/run.ts [--runs 5]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath } from '../../test/helpers/cli.js';
import { buildImage } from '../../test/helpers/image-kit.js';
import { median, report, round } from '../lib/measure.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;

const DOCKERFILE = `FROM busybox AS builder
RUN mkdir -p /out && for i in 1 2 3 4 5 6 7 8; do echo line $i >> /out/lines.txt; done
RUN sha256sum /out/lines.txt > /out/sum.txt
FROM busybox
COPY src/ /app/src/
COPY --from=builder /out/ /app/out/
RUN find /app -type f | wc -l > /app/count.txt
RUN rm /bin/vi && mkdir -p /data && echo made > /data/made.txt
RUN chown -R 1000:1000 /app
WORKDIR /app
CMD ["sh"]
`;

function project(dir: string): void {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, 'src', `f${i}.txt`), `file ${i}\n`.repeat(20));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app:\n    build: .\n');
}

function timed(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cliPath, args, { env, cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`tscompose ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/build needs root (RUN steps run in containers)');
  const busybox = await buildImage('busybox');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-bench-build-'));
  const { NODE_EXTRA_CA_CERTS: _ca, ...base } = process.env;
  const samples = { coldMs: [] as number[], cachedMs: [] as number[], oneFileChangedMs: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      const root = path.join(work, `root-${i}`);
      const dir = path.join(work, `proj-${i}`);
      project(dir);
      const env = { ...base, TSCOMPOSE_ROOT: root };
      timed(['image', 'load', '-q', '-i', busybox.archivePath], env, dir);
      const p = ['-p', `bench${i}`, 'build', '-q'];
      samples.coldMs.push(timed(p, env, dir));
      samples.cachedMs.push(timed(p, env, dir));
      fs.appendFileSync(path.join(dir, 'src', 'f7.txt'), 'changed\n');
      samples.oneFileChangedMs.push(timed(p, env, dir));
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  report('build', {
    runs,
    loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
    tscompose: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, { median: round(median(xs)), min: round(Math.min(...xs)) }])),
    dockerEngine: docker ? 'answers (not measured by this bench)' : 'none answers on this machine',
  });
}

await main();
