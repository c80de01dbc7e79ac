/**
 * Runs one host tool (ip, iptables-restore, nsenter) with an optional stdin script and fails with the
 * tool's own words. Plain child_process: execa's extra start-up costs milliseconds on every attach.
 */
import { spawn } from 'node:child_process';
import { RuntimeError } from '../errors.js';

export interface ToolResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function execToolRaw(argv: string[], input?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => reject(new RuntimeError('E_NET_TOOL', `run ${argv[0]}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, {
      hint: `install it (Debian: apt-get install ${argv[0] === 'ip' ? 'iproute2' : argv[0]!.startsWith('iptables') ? 'iptables' : 'util-linux'})`,
    })));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    child.stdin.on('error', () => { /* the tool exited before reading everything: its stderr says why */ });
    child.stdin.end(input ?? '');
  });
}

/** Like execToolRaw but a non-zero exit is an error naming what was being done. */
export async function execTool(what: string, argv: string[], input?: string): Promise<string> {
  const r = await execToolRaw(argv, input);
  if (r.code !== 0) {
    const msg = (r.stderr.trim() || r.stdout.trim() || `exit ${r.code}`).split('\n').slice(0, 3).join('; ');
    throw new RuntimeError('E_NET_TOOL', `${what}: ${msg}`);
  }
  return r.stdout;
}
