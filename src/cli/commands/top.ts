/**
 * `top [SERVICE...]`: the processes of each running container, as docker compose prints them: the container
 * name on a line, then a ps -ef table (UID PID PPID C STIME TTY TIME CMD), a blank line between containers.
 * Rows come from the runtime; the ps columns are computed by pure functions here.
 */
import { readFileSync } from 'node:fs';
import type { CommandHandler } from '../command.js';
import { bootTime, listContainers, topContainer, type TopRow } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { projectOrName } from './project-or-name.js';
import { renderTable } from './text-table.js';

/** Linux's USER_HZ: /proc reports times in these ticks */
const HZ = 100;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Pure: ps's STIME: HH:MM when started today, MonDD this year, else the year. */
export function formatStime(startMs: number, nowMs: number): string {
  const s = new Date(startMs);
  const n = new Date(nowMs);
  if (s.toDateString() === n.toDateString()) return `${two(s.getHours())}:${two(s.getMinutes())}`;
  if (s.getFullYear() === n.getFullYear()) return `${MONTHS[s.getMonth()]}${two(s.getDate())}`;
  return String(s.getFullYear());
}

/** Pure: ps's TIME, cumulative cpu as [DD-]HH:MM:SS. */
export function formatCpuTime(ticks: number): string {
  const total = Math.floor(ticks / HZ);
  const days = Math.floor(total / 86400);
  const hms = `${two(Math.floor((total % 86400) / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** Pure: uid → name from /etc/passwd text (ps shows the host's names). */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!) && !out.has(Number(f[2]))) out.set(Number(f[2]), f[0]!);
  }
  return out;
}

/** Pure: one ps -ef row. `bootS` is the boot time in epoch seconds. */
export function topCells(r: TopRow, users: Map<number, string>, bootS: number, nowMs: number): string[] {
  const startMs = (bootS + (r.startTicks ?? 0) / HZ) * 1000;
  const elapsedS = Math.max((nowMs - startMs) / 1000, 1);
  const c = Math.min(99, Math.floor((r.cpuTicks / HZ / elapsedS) * 100));
  return [users.get(r.uid) ?? String(r.uid), String(r.pid), String(r.ppid), String(c), formatStime(startMs, nowMs), '?', formatCpuTime(r.cpuTicks), r.cmd];
}

export const TOP_HEAD = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];

/** Pure: the whole output for containers sorted by name. */
export function renderTop(blocks: Array<{ name: string; rows: string[][] }>): string {
  return blocks.map((b) => `${b.name}\n${renderTable(TOP_HEAD, b.rows)}\n`).join('');
}

function readUsers(): Map<number, string> {
  try { return parsePasswd(readFileSync('/etc/passwd', 'utf8')); } catch { return new Map(); }
}

const top: CommandHandler = async (ctx) => {
  const { name } = await projectOrName(ctx, ctx.args);
  const containers = listContainers({ labels: [`${L.project}=${name}`], all: false })
    .filter((c) => ctx.args.length === 0 || ctx.args.includes(c.labels[L.service] ?? ''))
    .sort((a, b) => a.name.localeCompare(b.name));
  const users = readUsers();
  const boot = bootTime();
  const now = Date.now();
  const blocks: Array<{ name: string; rows: string[][] }> = [];
  for (const c of containers) {
    let rows: TopRow[];
    try {
      rows = topContainer(c.id);
    } catch (e) {
      if ((e as { code?: string }).code === 'E_CONTAINER_NOT_RUNNING') continue; // stopped while we listed
      throw e;
    }
    blocks.push({ name: c.name, rows: rows.map((r) => topCells(r, users, boot, now)) });
  }
  ctx.stdout.write(renderTop(blocks));
  return 0;
};
export default top;
