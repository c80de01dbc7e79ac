/**
 * Pure formatting of the ui's table cells: a compact uptime ("42s", "3m", "5h", "2d"), the state with its
 * health, ports as lazydocker shows them (the every-address host ip dropped), and fitting cells to a width.
 */
import type { PublishedPort } from '../../runtime/index.js';

/** Compact age of a start time; '' when not running (nothing is "up"). */
export function formatUptime(startedAt: string | undefined, now: number): string {
  const at = startedAt ? Date.parse(startedAt) : NaN;
  if (Number.isNaN(at)) return '';
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `running`, `running (healthy)`, `exited (137)`: the exit code is what one looks for in a stopped row. */
export function formatState(status: string, health: string | undefined, exitCode: number | null | undefined): string {
  if (status === 'exited' || status === 'dead') return `${status} (${exitCode ?? 0})`;
  return health ? `${status} (${health})` : status;
}

/** `8080->80/tcp`, `127.0.0.1:8080->80/tcp`; one entry per published port, comma separated. */
export function formatPortsShort(ports: PublishedPort[]): string {
  return ports
    .map((p) => `${p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::' ? `${p.hostIp}:` : ''}${p.published}->${p.target}/${p.protocol}`)
    .filter((s, i, all) => all.indexOf(s) === i) // one port published on v4 and v6 shows once
    .join(', ');
}

/** Cuts to `width` columns with an ellipsis (terminal cells: our strings are ASCII apart from the ellipsis). */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length > width ? `${s.slice(0, Math.max(0, width - 1))}…` : s;
}

/**
 * Lays rows of cells out as lines: each column as wide as its widest cell (2 spaces between), the last
 * column takes what is left, every line cut to `width` so it never wraps (a wrapped line breaks the frame).
 */
export function layoutColumns(rows: string[][], width: number): string[] {
  if (rows.length === 0) return [];
  const n = rows[0]!.length;
  const widths = Array.from({ length: n }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => fit(r.map((c, i) => (i === n - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd(), width));
}
