/** Shared measurement helpers for bench/: interleaved repeated runs, medians, JSON results. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Case {
  name: string;
  run: () => void;
}

/** Runs each case `rounds` times, interleaved (a b c a b c …), and returns the median wall ms per case. */
export function interleaved(cases: Case[], rounds: number): Record<string, { medianMs: number; minMs: number; runs: number }> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const t0 = process.hrtime.bigint();
      c.run();
      samples.get(c.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const out: Record<string, { medianMs: number; minMs: number; runs: number }> = {};
  for (const [name, xs] of samples) out[name] = { medianMs: round(median(xs)), minMs: round(Math.min(...xs)), runs: xs.length };
  return out;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Spawns a command synchronously and fails loudly if it fails (a benchmark of a failing command is meaningless). */
export function mustRun(cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/** Prints the result as JSON on stdout and keeps a copy under bench/results/ (git-ignored). */
export function report(name: string, result: unknown): void {
  const json = JSON.stringify({ bench: name, date: new Date().toISOString(), ...(result as object) }, null, 2);
  process.stdout.write(`${json}\n`);
  const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), json);
}
