/**
 * Image pull benchmark (JSON on stdout). Builds a ~200 MB image of incompressible files in several layers
 * with the test image kit, serves it from a loopback registry, and measures:
 *   - a cold `tscompose image pull` (CLI, fresh root): seconds and MB/s of compressed blob bytes;
 *   - the practical limit: `curl -s BLOB | tar -xz` of the same blobs (all layers in parallel), and the ratio;
 *   - a warm pull (every layer present): in-process pullImage time and the CLI's wall time.
 * Run as root: node --import tsx bench/images/run.ts [--mb 200] [--layers 4] [--runs 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildImageFromFiles } from '../../test/helpers/image-kit.js';
import { startRegistry, pushImage } from '../../test/helpers/registry.js';
import { cliPath } from '../../test/helpers/cli.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const totalMb = arg('mb', 200);
const layerCount = arg('layers', 4);
const runs = arg('runs', 3);

function noise(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha512').update(seed).digest();
  for (let i = 0; i < n; i += 64) {
    block.copy(out, i, 0, Math.min(64, n - i));
    block = createHash('sha512').update(block).digest();
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs a command under /usr/bin/time: wall seconds and CPU seconds (user+sys, children included). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S', cmd, ...args], { env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-bench-images-'));

async function main() {
  const perLayer = Math.floor((totalMb * 1_000_000) / layerCount);
  const filesPerLayer = 8;
  const layers = Array.from({ length: layerCount }, (_, l) =>
    Array.from({ length: filesPerLayer }, (_, f) => ({ path: `/data/l${l}/f${f}.bin`, content: noise(`bench-${l}-${f}`, Math.floor(perLayer / filesPerLayer)) })),
  );
  const img = await buildImageFromFiles({ name: 'tscompose-bench/big', layers });
  const reg = await startRegistry();
  try {
    await pushImage(reg, img.layoutDir, 'bench/big', 'latest');
    const ref = `${reg.host}/bench/big:latest`;
    const bytes = img.layers.reduce((s, l) => s + l.size, 0);
    const loadStart = fs.readFileSync('/proc/loadavg', 'utf8').trim();

    // Interleaved, so both see the same background load on this shared machine.
    const cold: number[] = [];
    const coldCpu: number[] = [];
    const curl: number[] = [];
    const curlCpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const root = path.join(work, `cold-${i}`);
      const a = timed(cliPath, ['image', 'pull', '-q', ref], { ...process.env, TSCOMPOSE_ROOT: root });
      cold.push(a.wall);
      coldCpu.push(a.cpu);
      if (i < runs - 1) fs.rmSync(root, { recursive: true, force: true });
      const dir = path.join(work, `curl-${i}`);
      fs.mkdirSync(dir);
      const script = img.layers.map((l, j) => `mkdir -p ${dir}/${j} && curl -sf ${reg.url}/v2/bench/big/blobs/${l.digest} | tar -xz -C ${dir}/${j} &`).join('\n') + '\nwait';
      const b = timed('bash', ['-c', script], process.env);
      curl.push(b.wall);
      curlCpu.push(b.cpu);
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // Warm: the last cold root has everything.
    const warmRoot = path.join(work, `cold-${runs - 1}`);
    const warmCli: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cliPath, ['image', 'pull', '-q', ref], { env: { ...process.env, TSCOMPOSE_ROOT: warmRoot } });
      if (r.status !== 0) throw new Error('warm pull failed');
      warmCli.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const warmInProcess = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', `
      const { pullImage } = await import(${JSON.stringify(path.resolve('runtime/image/pull.ts'))});
      await pullImage(${JSON.stringify(ref)});
      const xs = [];
      for (let i = 0; i < 10; i++) { const t0 = process.hrtime.bigint(); await pullImage(${JSON.stringify(ref)}); xs.push(Number(process.hrtime.bigint() - t0) / 1e6); }
      console.log(JSON.stringify(xs));
    `], { env: { ...process.env, TSCOMPOSE_ROOT: warmRoot }, encoding: 'utf8' }).trim()) as number[];

    const coldS = median(cold);
    const curlS = median(curl);
    const result = {
      benchmark: 'image pull from loopback registry',
      image: { layers: img.layers.length, compressedBytes: bytes, cached: img.cached },
      runs,
      loadavgAtStart: loadStart,
      // The ratio moves with the machine's load (curl|tar runs 8+ processes, the pull one): read it with these.
      loadavgAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      coldPull: { seconds: cold, medianSeconds: coldS, mbPerSecond: bytes / 1e6 / coldS, cpuSeconds: coldCpu, medianCpuSeconds: median(coldCpu), how: 'tscompose image pull -q (CLI, fresh root): download, sha256, gunzip, diff-id sha256, unpack' },
      curlTarLimit: { seconds: curl, medianSeconds: curlS, mbPerSecond: bytes / 1e6 / curlS, cpuSeconds: curlCpu, medianCpuSeconds: median(curlCpu), how: 'curl -s blob | tar -xz, all layers in parallel, no verification' },
      ratioToLimit: curlS / coldS,
      warmPull: { inProcessMs: warmInProcess, inProcessMedianMs: median(warmInProcess), cliWallSeconds: warmCli, cliMedianSeconds: median(warmCli), goalMs: 100 },
      dockerPullReferenceSeconds: 3.8,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await reg.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
