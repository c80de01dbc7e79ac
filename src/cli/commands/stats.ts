/**
 * `stats [--no-stream] [--format table|json] [-a] [SERVICE]`: cpu, memory, network, block io and pids of the
 * project's containers with docker's columns (CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O
 * PIDS). CPU % is the cpu time used between two samples over the wall time between them (docker's ratio,
 * counted over all cpus). Without --no-stream the table is redrawn every second until Ctrl-C.
 */
import { totalmem } from 'node:os';
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { listContainers, statsContainer, type ContainerSummary, type StatsSample } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { isPreStartHook } from '../../reconcile/pre-start.js';
import { projectOrName } from './project-or-name.js';
import { renderTable } from './text-table.js';

export interface StatsRow { BlockIO: string; CPUPerc: string; Container: string; ID: string; MemPerc: string; MemUsage: string; Name: string; NetIO: string; PIDs: string }

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Pure: go-units BytesSize (binary, 4 significant digits): 1.465MiB. */
export function bytesSize(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < BINARY.length - 1) { v /= 1024; i++; }
  return `${Number(v.toPrecision(4))}${BINARY[i]}`;
}

/** Pure: go-units HumanSizeWithPrecision(n, 3) (decimal): 1.05kB. */
export function humanSize3(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1000 && i < DECIMAL.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(3))}${DECIMAL[i]}`;
}

/** Pure: one row from two samples `ms` apart (no `before`: cpu 0); `c` without samples is a stopped container. */
export function statsRow(c: { id: string; name: string }, before: StatsSample | undefined, after: StatsSample | undefined, ms: number, hostMemory: number): StatsRow {
  const cpu = before && after && ms > 0 ? Math.max(0, ((after.cpuNs - before.cpuNs) / (ms * 1e6)) * 100) : 0;
  const limit = after ? after.memoryLimit || hostMemory : 0;
  const mem = after?.memoryBytes ?? 0;
  const net = Object.values(after?.net ?? {}).reduce((a, n) => ({ rx: a.rx + n.rxBytes, tx: a.tx + n.txBytes }), { rx: 0, tx: 0 });
  return {
    BlockIO: `${humanSize3(after?.blkio.readBytes ?? 0)} / ${humanSize3(after?.blkio.writeBytes ?? 0)}`,
    CPUPerc: `${cpu.toFixed(2)}%`,
    Container: c.id.slice(0, 12),
    ID: c.id.slice(0, 12),
    MemPerc: `${(limit > 0 ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    Name: c.name,
    NetIO: `${humanSize3(net.rx)} / ${humanSize3(net.tx)}`,
    PIDs: String(after?.pids ?? 0),
  };
}

export function renderStats(rows: StatsRow[], format: string): string {
  if (format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return renderTable(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'],
    rows.map((r) => [r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs]), 3, 10);
}

function sample(id: string): StatsSample | undefined {
  try {
    return statsContainer(id);
  } catch {
    return undefined; // not running (or gone): docker shows zeros
  }
}

/** Pure: the project's containers of the services asked for (all when none), by name; a kept pre_start hook container is none of them. */
export function selectStatsContainers<T extends { name: string; labels: Record<string, string> }>(containers: T[], services: string[]): T[] {
  return containers.filter((c) => !isPreStartHook(c.labels) && (services.length === 0 || services.includes(c.labels[L.service] ?? '')))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stats: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const format = String(o.format ?? 'table');
  if (format !== 'table' && format !== 'json') throw usageError(`invalid --format "${format}": want table or json`);
  if (ctx.args.length > 1) throw usageError('stats: want at most one SERVICE');
  const { name } = await projectOrName(ctx, ctx.args);
  const list = (): ContainerSummary[] => selectStatsContainers(listContainers({ labels: [`${L.project}=${name}`], all: o.all === true }), ctx.args);
  const hostMemory = totalmem();
  const round = async (ms: number): Promise<StatsRow[]> => {
    const containers = list();
    const first = new Map(containers.map((c) => [c.id, sample(c.id)]));
    const t0 = Date.now();
    await sleep(ms);
    const elapsed = Date.now() - t0;
    return containers.map((c) => statsRow(c, first.get(c.id), sample(c.id), elapsed, hostMemory));
  };
  if (o.stream === false) {
    ctx.stdout.write(renderStats(await round(500), format));
    return 0;
  }
  let stopped = false;
  const stop = () => { stopped = true; };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const tty = (ctx.stdout as NodeJS.WriteStream).isTTY === true;
  try {
    while (!stopped) {
      const rows = await round(1000);
      if (stopped) break;
      ctx.stdout.write(`${tty && format === 'table' ? '\x1b[2J\x1b[H' : ''}${renderStats(rows, format)}`);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
};
export default stats;
