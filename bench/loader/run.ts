/**
 * Loader benchmark. Prints one JSON object:
 *  - servicesPerSecond: a generated project of 500 services, 3 override files and 2,000
 *    interpolations loaded in-process (median of repeated runs, after a warm-up);
 *  - configQuietMs: wall time of a spawned `tscompose config -q` on a 10-service project
 *    (median of >= 20 runs; needs dist/, built with `npx tsc -p tsconfig.json`).
 * Goals on the reference machine: >= 5,000 services/s and < 150 ms.
 * Run: node --import tsx bench/loader/run.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../src/compose/load.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICES = 500;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 21);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** 500 services; each base service carries 4 interpolations (2,000 in all). */
function baseFile(n: number): string {
  let out = 'name: bench\nservices:\n';
  for (let i = 0; i < n; i++) {
    out += `  svc${i}:
    image: \${REGISTRY:-docker.io}/app${i}:\${TAG}
    command: ["serve", "--port", "\${PORT_${i % 50}:-8000}"]
    environment:
      - SERVICE_INDEX=${i}
      - LOG_LEVEL=\${LOG_LEVEL:-info}
    ports: ["${10000 + i}:8000"]
    volumes: ["data${i % 10}:/data", "./conf/${i}:/etc/app:ro"]
    labels: [com.example.svc=svc${i}]
    healthcheck:
      test: curl -f http://localhost:8000/
      interval: 30s
    depends_on: [${i === 0 ? '' : `svc${i - 1}`}]
    networks: [front, back]
`;
  }
  out += 'networks:\n  front:\n  back:\nvolumes:\n';
  for (let v = 0; v < 10; v++) out += `  data${v}:\n`;
  return out;
}

function overrideFile(n: number, k: number): string {
  let out = 'services:\n';
  for (let i = k; i < n; i += 3) {
    out += `  svc${i}:\n    environment:\n      OVERRIDE_${k}: "yes"\n    ports: ["${20000 + i + k * 1000}:9000"]\n    labels:\n      com.example.override: "${k}"\n`;
  }
  return out;
}

function smallProject(): string {
  let out = 'services:\n';
  for (let i = 0; i < 10; i++) {
    out += `  svc${i}:\n    image: alpine:\${TAG:-3}\n    command: sleep infinity\n    ports: ["${30000 + i}:80"]\n    environment: [A=1, B=2]\n    volumes: ["v${i}:/data"]\n    depends_on: [${i === 0 ? '' : `svc${i - 1}`}]\n`;
  }
  out += 'volumes:\n';
  for (let i = 0; i < 10; i++) out += `  v${i}:\n`;
  return out;
}

async function benchLoader(dir: string): Promise<{ medianMs: number; servicesPerSecond: number; interpolations: number }> {
  const files = ['compose.yaml', 'o1.yaml', 'o2.yaml', 'o3.yaml'];
  writeFileSync(path.join(dir, files[0]!), baseFile(SERVICES));
  for (let k = 1; k <= 3; k++) writeFileSync(path.join(dir, files[k]!), overrideFile(SERVICES, k - 1));
  const environment: Record<string, string> = { TAG: '1.0' };
  const opts = { cwd: dir, configFiles: files.map((f) => ({ path: path.join(dir, f) })), environment };
  const first = await loadProject(opts);
  if (Object.keys(first.services).length !== SERVICES) throw new Error('generated project did not load fully');
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await loadProject(opts);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  return { medianMs: Math.round(ms * 10) / 10, servicesPerSecond: Math.round(SERVICES / (ms / 1000)), interpolations: SERVICES * 4 };
}

/** NODE_EXTRA_CA_CERTS costs Node ~70 ms at start on this machine and users rarely set it (see bench/startup). */
const cliEnv = { ...process.env, NODE_EXTRA_CA_CERTS: '' };

/** The floor under any CLI figure on this host: `node -e 0`, same number of runs. */
function benchNodeBaseline(): number {
  const times: number[] = [];
  for (let r = 0; r < CLI_RUNS; r++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: cliEnv });
    times.push(performance.now() - t0);
  }
  return Math.round(median(times) * 10) / 10;
}

function benchCli(dir: string): { medianMs: number; runs: number } {
  writeFileSync(path.join(dir, 'compose.yaml'), smallProject());
  const cli = path.join(repoRoot, 'dist/cli/main.js');
  const times: number[] = [];
  for (let r = 0; r < CLI_RUNS; r++) {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, [cli, 'config', '-q'], { cwd: dir, env: { ...cliEnv, COMPOSE_FILE: '' } });
    times.push(performance.now() - t0);
    if (res.status !== 0) throw new Error(`config -q failed: ${res.stderr}`);
  }
  return { medianMs: Math.round(median(times) * 10) / 10, runs: CLI_RUNS };
}

const bigDir = mkdtempSync(path.join(tmpdir(), 'tscompose-bench-'));
const smallDir = mkdtempSync(path.join(tmpdir(), 'tscompose-bench-cli-'));
try {
  const loader = await benchLoader(bigDir);
  const cli = benchCli(smallDir);
  const nodeBaselineMs = benchNodeBaseline();
  process.stdout.write(`${JSON.stringify({
    loader: { services: SERVICES, overrideFiles: 3, ...loader, runs: RUNS, goal: 5000, ok: loader.servicesPerSecond >= 5000 },
    configQuiet: { services: 10, ...cli, nodeBaselineMs, goalMs: 150, ok: cli.medianMs < 150 },
    loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100),
  }, null, 2)}\n`);
} finally {
  rmSync(bigDir, { recursive: true, force: true });
  rmSync(smallDir, { recursive: true, force: true });
}
