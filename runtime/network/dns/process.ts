/**
 * Starting and stopping a network's resolver process (see serve.ts for why it is a process of its own).
 * The process is identified by pid + start time, so a reused pid is never signalled.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../../errors.js';
import { paths } from '../../store/paths.js';
import { packageRoot } from '../../sys/native.js';
import { isSameProcessAlive, readStartTime } from '../../store/pid-identity.js';
import type { ResolverProcess } from '../types.js';

function serveEntry(): { file: string; nodeArgs: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  // run from sources (tests, tsx) the child needs the same TypeScript loader
  return { file: path.join(path.dirname(here), `serve${ext}`), nodeArgs: ext === '.ts' ? ['--import', 'tsx'] : [] };
}

export function resolverLogFile(netName: string): string {
  return path.join(paths().run, 'networks', `${netName}.dns.log`);
}

export async function execStartResolver(netName: string, recordFile: string, address: string, port = 53): Promise<ResolverProcess> {
  const log = resolverLogFile(netName);
  mkdirSync(path.dirname(log), { recursive: true });
  const logFd = openSync(log, 'a');
  const { file, nodeArgs } = serveEntry();
  const child = spawn(process.execPath, [...nodeArgs, file, recordFile, address, String(port)], {
    cwd: packageRoot(),
    detached: true,
    stdio: ['ignore', 'pipe', logFd],
  });
  closeSync(logFd);
  const ctx = `network "${netName}": start resolver on ${address}:${port}`;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(timer); resolve(true); } });
    child.on('exit', () => { clearTimeout(timer); resolve(false); });
    child.on('error', () => { clearTimeout(timer); resolve(false); });
  });
  if (!ready || child.pid === undefined) {
    if (child.pid !== undefined) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
    let why = '';
    try { why = readFileSync(log, 'utf8').trim().split('\n').pop() ?? ''; } catch { /* no log */ }
    throw new RuntimeError('E_NET_DNS', `${ctx}: ${why || 'it did not start'}`);
  }
  child.stdout!.destroy();
  child.unref();
  return { pid: child.pid, startTime: readStartTime(child.pid) ?? 0, address, port };
}

export async function execStopResolver(r: ResolverProcess): Promise<void> {
  if (!isSameProcessAlive(r)) return;
  try { process.kill(r.pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + 3000;
  while (isSameProcessAlive(r) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  if (isSameProcessAlive(r)) try { process.kill(r.pid, 'SIGKILL'); } catch { /* gone */ }
}
