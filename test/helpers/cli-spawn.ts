/**
 * The built CLI as a process the test can watch and kill (tscompose() in cli.ts only returns once it exited):
 * for commands that must be interrupted (kill -9 mid-`up`) or overlap (two `up` at once).
 *
 *   const up = spawnCli(['-p', p, 'up', '-d'], { cwd, env });
 *   await up.waitFor(/Container \S+ Created/);    // its stderr so far matches
 *   up.kill('SIGKILL');                            // by its PID only
 *   const r = await up.done;                       // { code, stdout, stderr }
 */
import { spawn } from 'node:child_process';
import { cliPath, repoRoot, type CliResult } from './cli.js';

export interface CliProcess {
  pid: number;
  /** stdout received so far */
  stdout(): string;
  /** stderr received so far */
  stderr(): string;
  /** resolves once stderr matches (or rejects when the process ends first or the deadline passes) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** whether the process has exited */
  exited(): boolean;
  kill(signal: NodeJS.Signals): void;
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): CliProcess {
  const child = spawn(cliPath, args, { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of [...watchers]) w();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 150_000);
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      exited = true;
      for (const w of [...watchers]) w();
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: () => exited,
    kill: (signal) => { if (!exited) process.kill(child.pid!, signal); },
    done,
    waitFor: (pattern, timeoutMs = 120_000) => new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => { watchers.delete(check); reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${stderr}`)); }, timeoutMs);
      function check(): void {
        if (pattern.test(stderr)) {
          clearTimeout(deadline);
          watchers.delete(check);
          resolve();
        } else if (exited) {
          clearTimeout(deadline);
          watchers.delete(check);
          reject(new Error(`the CLI exited before ${pattern} appeared on stderr:\n${stderr}`));
        }
      }
      watchers.add(check);
      check();
    }),
  };
}
