/**
 * Starting and stopping a network's resolver process: the C one (native/dns, about 1 MiB resident) when it
 * is built, else the Node one (serve.ts, about 40 MiB) so a checkout without a native build still resolves.
 * The process is identified by pid + start time, so a reused pid is never signalled.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../../errors.js';
import { paths } from '../../store/paths.js';
import { packageRoot, resolverPath } from '../../sys/native.js';
import { readJsonIfExists } from '../../store/atomic.js';
import { namesFile, writeNamesFile } from '../store.js';
import { isSameProcessAlive, readStartTime } from '../../store/pid-identity.js';
import type { NetworkRecord, ResolverProcess } from '../types.js';

function serveEntry(): { file: string; nodeArgs: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  // run from sources (tests, tsx) the child needs the same TypeScript loader
  return { file: path.join(path.dirname(here), `serve${ext}`), nodeArgs: ext === '.ts' ? ['--import', 'tsx'] : [] };
}

export function resolverLogFile(netName: string): string {
  return path.join(paths().run, 'networks', `${netName}.dns.log`);
}

/** The resolver's log goes with its network (it is only read when the resolver fails to start). */
export function deleteResolverLog(netName: string): void {
  rmSync(resolverLogFile(netName), { force: true });
}

/** The C resolver reads the names file (made from the record if an older version did not write one). */
function planResolverCommand(netName: string, recordFile: string, address: string, port: number): string[] {
  const bin = resolverPath();
  if (existsSync(bin)) {
    const names = namesFile(netName);
    if (!existsSync(names)) {
      const rec = readJsonIfExists<NetworkRecord>(recordFile);
      if (rec) writeNamesFile(rec);
    }
    return [bin, names, address, String(port)];
  }
  const { file, nodeArgs } = serveEntry();
  return [process.execPath, ...nodeArgs, file, recordFile, address, String(port)];
}

export async function execStartResolver(netName: string, recordFile: string, address: string, port = 53): Promise<ResolverProcess> {
  const log = resolverLogFile(netName);
  mkdirSync(path.dirname(log), { recursive: true });
  const logFd = openSync(log, 'a');
  const argv = planResolverCommand(netName, recordFile, address, port);
  const child = spawn(argv[0]!, argv.slice(1), {
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
