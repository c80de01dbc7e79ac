/**
 * Compose-level cost: `up -d`, a no-op `up -d` and `down -t 0` of 1, 10 and 30 busybox services on one
 * bridge network with one published port (the project of ../shared/peers/gen-compose.sh), median of
 * interleaved rounds; and the resident memory per running container of everything the tool leaves running
 * (tscompose: shims + DNS resolvers; docker: dockerd, containerd, shims, proxies; podman: conmon,
 * aardvark-dns), containers' own processes excluded. Every `up` is checked (N containers running, the
 * published port answers) outside the timing.
 *
 * docker-compose and podman-compose run side by side, in the same rounds, only when they are installed, their
 * engine answers and the image 127.0.0.1:5000/busybox:latest is present (../shared/peers/start-peers.sh);
 * this benchmark never installs or starts them. The JSON says which peers ran and why the others did not.
 *
 * Needs root. Holds the machine-wide e2e host lock while it runs (its bridges and rules would otherwise show
 * up in other tests' leak checks). Uses its own TSCOMPOSE_ROOT in a temp dir, with the kit's busybox loaded.
 * Run: npm run bench -- compose   (BENCH_COMPOSE_ROUNDS=5, BENCH_COMPOSE_SIZES=1,10,30, BENCH_CLI=another
 * build of dist/cli/main.js for before/after figures). NODE_EXTRA_CA_CERTS is cleared (see bench/startup).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { median, report, round } from '../lib/measure.js';
import { benchCompose, summarizeMemory, type MemorySummary, type ProcInfo, type Tool } from './project.js';
import { cliPath } from '../../test/helpers/cli.js';
import { acquireHostLock } from '../../test/helpers/host-lock.js';
import { buildImageFromFiles, withParents } from '../../test/helpers/image-kit.js';
import { busyboxSpec } from '../../test/helpers/image-recipes.js';

const rounds = Number(process.env.BENCH_COMPOSE_ROUNDS ?? 5);
const sizes = (process.env.BENCH_COMPOSE_SIZES ?? '1,10,30').split(',').map(Number);
const cli = process.env.BENCH_CLI ?? cliPath;
const PEER_IMAGE = '127.0.0.1:5000/busybox:latest';

if (process.getuid?.() !== 0) {
  report('compose', { skipped: 'needs root (containers, bridges, iptables)' });
  process.exit(0);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'tsc-bench-compose-'));
const tscRoot = path.join(work, 'root');
const tscEnv = { ...process.env, NODE_EXTRA_CA_CERTS: '', TSCOMPOSE_ROOT: tscRoot };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 600_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}
function must(what: string, r: SpawnSyncReturns<string>): SpawnSyncReturns<string> {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}): ${r.stderr || r.error?.message || ''}`);
  return r;
}
const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

interface ToolDriver {
  tool: Tool;
  version: string;
  image: string;
  compose(project: string, file: string, args: string[]): SpawnSyncReturns<string>;
  running(project: string, file: string): number;
  /** Untimed clean-up after a timed `down` (podman-compose leaves the network). */
  afterDown?(project: string): void;
}

function tscompose(): ToolDriver {
  const version = must('tscompose version', run(cli, ['version', '--short'], tscEnv)).stdout.trim();
  return {
    tool: 'tscompose',
    version,
    image: 'busybox:bench',
    compose: (p, f, args) => run(cli, ['-p', p, '-f', f, ...args], tscEnv),
    running: (p, f) => lines(must('tscompose ps', run(cli, ['-p', p, '-f', f, 'ps', '-q'], tscEnv)).stdout).length,
  };
}

/** A peer when it is installed, its engine answers and the peers' image is present; else why not. */
function peer(tool: 'docker-compose' | 'podman-compose'): ToolDriver | string {
  const engine = tool === 'docker-compose' ? '/usr/bin/docker' : 'podman';
  const v = run(tool, ['version'], process.env, 20_000);
  if (v.error || v.status !== 0) return `${tool} is not installed`;
  const info = run(engine, ['info'], process.env, 20_000);
  if (info.error || info.status !== 0) return `${engine} does not answer (engine not running): not started by this benchmark`;
  if (run(engine, ['image', 'inspect', PEER_IMAGE], process.env, 20_000).status !== 0) return `${PEER_IMAGE} is not present for ${engine} (../shared/peers/start-peers.sh)`;
  const label = tool === 'docker-compose' ? 'com.docker.compose.project' : 'io.podman.compose.project';
  return {
    tool,
    version: lines(v.stdout)[0] ?? '',
    image: PEER_IMAGE,
    compose: (p, f, args) => run(tool, ['-p', p, '-f', f, ...args]),
    running: (p) => lines(run(engine, ['ps', '-q', '--filter', `label=${label}=${p}`]).stdout).length,
    afterDown: tool === 'podman-compose' ? (p) => void run('podman', ['network', 'rm', '-f', `${p}_benchnet`]) : undefined,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function answers(port: number, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`127.0.0.1:${port} did not answer: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function readProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const rollup = readFileSync(`/proc/${d}/smaps_rollup`, 'utf8');
      out.push({
        pid: Number(d),
        ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]),
        exe: path.basename(argv[0] ?? ''),
        args: argv.join(' '),
        rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        pssKiB: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0),
      });
    } catch {
      // gone meanwhile, or a kernel thread without smaps
    }
  }
  return out;
}

const lock = await acquireHostLock({ timeoutMs: 60 * 60_000 });
const drivers: ToolDriver[] = [];
const peers: Record<string, string> = {};
try {
  // The kit's busybox plus the page the peers' busybox serves (/var/www/index.html), as busybox:bench.
  const base = busyboxSpec();
  const www = withParents([{ path: 'var/www/index.html', content: 'hello from busybox httpd\n' }]);
  const busybox = await buildImageFromFiles({ name: 'busybox', tag: 'bench', layers: [...base.layers, www], config: base.config });
  must('image load', run(cli, ['image', 'load', '-q', '-i', busybox.archivePath], tscEnv));
  drivers.push(tscompose());
  for (const t of ['docker-compose', 'podman-compose'] as const) {
    const d = peer(t);
    if (typeof d === 'string') peers[t] = `skipped: ${d}`;
    else (drivers.push(d), (peers[t] = `ran (${d.version})`));
  }

  const port = await freePort();
  type Op = 'up -d' | 'no-op up -d' | 'down -t 0';
  const samples = new Map<string, number[]>();
  const memory: Record<string, MemorySummary> = {};
  const add = (tool: string, n: number, op: Op, ms: number) => {
    const k = `${tool}\t${n}\t${op}`;
    samples.set(k, [...(samples.get(k) ?? []), ms]);
  };
  const timed = (what: string, fn: () => SpawnSyncReturns<string>): number => {
    const t0 = process.hrtime.bigint();
    must(what, fn());
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };

  for (let r = 0; r < rounds; r++) {
    for (const n of sizes) {
      for (const d of drivers) {
        const project = `bench${n}x${process.pid}`;
        const file = path.join(work, `${d.tool}-${n}.yml`);
        writeFileSync(file, benchCompose(n, d.image, port));
        add(d.tool, n, 'up -d', timed(`${d.tool} up -d (${n})`, () => d.compose(project, file, ['up', '-d'])));
        const count = d.running(project, file);
        if (count !== n) throw new Error(`${d.tool}: ${count} of ${n} containers running after up -d`);
        await answers(port);
        add(d.tool, n, 'no-op up -d', timed(`${d.tool} no-op up -d (${n})`, () => d.compose(project, file, ['up', '-d'])));
        if (r === rounds - 1 && n === Math.max(...sizes)) memory[d.tool] = summarizeMemory(readProcs(), d.tool, tscRoot, n);
        add(d.tool, n, 'down -t 0', timed(`${d.tool} down -t 0 (${n})`, () => d.compose(project, file, ['down', '-t', '0'])));
        d.afterDown?.(project);
        if (d.running(project, file) !== 0) throw new Error(`${d.tool}: containers left after down`);
      }
    }
  }

  const results: Record<string, Record<string, Record<string, { medianMs: number; minMs: number; runs: number }>>> = {};
  for (const [k, xs] of samples) {
    const [tool, n, op] = k.split('\t') as [string, string, string];
    ((results[tool] ??= {})[n] ??= {})[op] = { medianMs: round(median(xs)), minMs: round(Math.min(...xs)), runs: xs.length };
  }
  const big = String(Math.max(...sizes));
  const t = results.tscompose?.[big];
  report('compose', {
    rounds,
    sizes,
    loadAverage: os.loadavg().map((x) => round(x)),
    peers,
    results,
    memory,
    goals: t && {
      [`up -d (${big}) <= 1500 ms`]: t['up -d']!.medianMs <= 1500,
      [`down -t 0 (${big}) <= 1000 ms`]: t['down -t 0']!.medianMs <= 1000,
      [`no-op up -d (${big}) <= 300 ms`]: t['no-op up -d']!.medianMs <= 300,
      'resident memory <= 2 MiB per container': (memory.tscompose?.rssMiBPerContainer ?? Infinity) <= 2,
    },
  });
} finally {
  // Whatever a failed round left: take every project down (the tools ignore projects that do not exist).
  for (const d of drivers) {
    for (const n of sizes) {
      const file = path.join(work, `${d.tool}-${n}.yml`);
      try {
        d.compose(`bench${n}x${process.pid}`, file, ['down', '-t', '0']);
        d.afterDown?.(`bench${n}x${process.pid}`);
      } catch {
        // best effort
      }
    }
  }
  run(cli, ['image', 'rm', '-f', 'busybox:bench'], tscEnv);
  rmSync(work, { recursive: true, force: true });
  await lock.release();
}
