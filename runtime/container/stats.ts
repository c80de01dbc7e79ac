/**
 * stats: one sample of cpu, memory, pids, network and block io for a running container, from its cgroups
 * (v1 or v2 files) and the network namespace's /proc/<pid>/net/dev. Parsers are pure; callers diff two samples
 * for rates.
 */
import { readFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { cgroupDir, cgroupVersion } from './cgroup-paths.js';
import { openContainer } from './lookup.js';

export interface StatsSample {
  read: string;
  /** total cpu time used, ns */
  cpuNs: number;
  memoryBytes: number;
  /** bytes; 0 when unlimited */
  memoryLimit: number;
  pids: number;
  net: Record<string, { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number }>;
  blkio: { readBytes: number; writeBytes: number };
}

/** Pure: /proc/<pid>/net/dev → per-interface counters (lo skipped, as docker does). */
export function parseNetDev(text: string): StatsSample['net'] {
  const out: StatsSample['net'] = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    out[m[1]!] = { rxBytes: f[0] ?? 0, rxPackets: f[1] ?? 0, txBytes: f[8] ?? 0, txPackets: f[9] ?? 0 };
  }
  return out;
}

/** Pure: v1 blkio.throttle.io_service_bytes ("8:0 Read 123") or v2 io.stat ("8:0 rbytes=1 wbytes=2 ..."). */
export function parseBlkio(text: string, version: 'v1' | 'v2'): StatsSample['blkio'] {
  let readBytes = 0;
  let writeBytes = 0;
  for (const line of text.split('\n')) {
    if (version === 'v1') {
      const [, op, n] = line.trim().split(/\s+/);
      if (op === 'Read') readBytes += Number(n);
      if (op === 'Write') writeBytes += Number(n);
    } else {
      readBytes += Number(/rbytes=(\d+)/.exec(line)?.[1] ?? 0);
      writeBytes += Number(/wbytes=(\d+)/.exec(line)?.[1] ?? 0);
    }
  }
  return { readBytes, writeBytes };
}

const read = (file: string): string => { try { return readFileSync(file, 'utf8'); } catch { return ''; } };
const num = (s: string): number => { const n = Number(s.trim()); return Number.isFinite(n) ? n : 0; };
/** v1 reports "no limit" as a huge page-aligned number */
const limitOrZero = (n: number): number => (n >= 2 ** 62 || n === 0 ? 0 : n);

export function statsContainer(ref: string): StatsSample {
  const c = openContainer(ref, 'stats');
  if (c.status !== 'running' && c.status !== 'paused') throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `stats container "${c.meta.name}": the container is ${c.status}`);
  const id = c.meta.id;
  const v = cgroupVersion();
  const pid = c.state?.pid ?? 0;
  const net = parseNetDev(read(`/proc/${pid}/net/dev`));
  if (v === 'v2') {
    const d = cgroupDir(v, id, '');
    const max = read(`${d}/memory.max`).trim();
    return {
      read: new Date().toISOString(),
      cpuNs: num(/usage_usec (\d+)/.exec(read(`${d}/cpu.stat`))?.[1] ?? '0') * 1000,
      memoryBytes: num(read(`${d}/memory.current`)),
      memoryLimit: max === 'max' ? 0 : num(max),
      pids: num(read(`${d}/pids.current`)),
      net,
      blkio: parseBlkio(read(`${d}/io.stat`), 'v2'),
    };
  }
  return {
    read: new Date().toISOString(),
    cpuNs: num(read(`${cgroupDir(v, id, 'cpuacct')}/cpuacct.usage`)),
    memoryBytes: num(read(`${cgroupDir(v, id, 'memory')}/memory.usage_in_bytes`)),
    memoryLimit: limitOrZero(num(read(`${cgroupDir(v, id, 'memory')}/memory.limit_in_bytes`))),
    pids: num(read(`${cgroupDir(v, id, 'pids')}/pids.current`)),
    net,
    blkio: parseBlkio(read(`${cgroupDir(v, id, 'blkio')}/blkio.throttle.io_service_bytes`), 'v1'),
  };
}
