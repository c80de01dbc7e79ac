/**
 * Pure: what the ui shows, from the runtime's facts. The rows are the project's service containers as `ps`
 * lists them (no one-offs, no kept pre_start hook containers; the same selection `logs` uses), and the
 * frame is split so the whole of it stays at most rows-1 tall (Ink 6 clears the screen on every frame that
 * fills the terminal, which flickers).
 */
import type { ContainerSummary, PublishedPort } from '../../runtime/index.js';
import { planLogContainers, type LogContainer } from '../logs/log-select.js';
import { fixedStamp } from '../logs/log-time.js';
import { fit, formatPortsShort, formatState, formatUptime, layoutColumns } from './format.js';

export interface UiRow {
  id: string;
  /** the container's full name (`demo-web-1`) */
  name: string;
  service: string;
  status: string;
  /** status with health or exit code */
  state: string;
  restarts: number;
  ports: string;
  uptime: string;
  startedAt: string;
  /** what the log reader needs */
  log: LogContainer;
}

export const TABLE_HEAD = ['NAME', 'SERVICE', 'STATE', 'RESTARTS', 'PORTS', 'UP'];

export function planRows(all: ContainerSummary[], scope: { project: string; services: string[] }, portsOf: (id: string) => PublishedPort[], now: number): UiRow[] {
  return planLogContainers(all, { project: scope.project, services: scope.services }).map((lc) => {
    const c = lc.summary;
    const live = c.status === 'running' || c.status === 'paused' || c.status === 'restarting';
    return {
      id: c.id,
      name: c.name,
      service: lc.service,
      status: c.status,
      state: formatState(c.status, c.state?.health?.status, c.state?.exitCode),
      restarts: c.state?.restartCount ?? 0,
      ports: formatPortsShort(portsOf(c.id)),
      uptime: live ? formatUptime(c.state?.startedAt, now) : '',
      startedAt: c.state?.startedAt ?? '',
      log: lc,
    };
  });
}

/** The table's lines: the head first, then one line per row. */
export function renderTable(rows: UiRow[], width: number): string[] {
  return layoutColumns([TABLE_HEAD, ...rows.map((r) => [r.name, r.service, r.state, String(r.restarts), r.ports, r.uptime])], width);
}

/** Keeps the selection on the same container when rows come and go; else the nearest index. */
export function followSelection(prev: UiRow[], next: UiRow[], selected: number): number {
  const id = prev[selected]?.id;
  const at = id === undefined ? -1 : next.findIndex((r) => r.id === id);
  if (at >= 0) return at;
  return Math.max(0, Math.min(selected, next.length - 1));
}

export interface FrameLayout {
  /** table rows shown (without its head) */
  tableRows: number;
  /** the first row shown (the table scrolls to keep the selection visible) */
  tableOffset: number;
  /** log lines shown */
  logLines: number;
  /** room for the "(no containers)" line of an empty table */
  placeholder: boolean;
}

/**
 * Fixed lines: title, table head, log title, status, footer (5). The table gets up to half of the rest, the
 * log pane what remains; all of it plus the fixed lines is at most rows-1.
 */
export function planLayout(terminalRows: number, rowCount: number, selected: number): FrameLayout {
  const free = Math.max(0, terminalRows - 1 - 5);
  const tableRows = Math.min(rowCount, Math.max(1, Math.ceil(free / 2)), free);
  // an empty table still takes its "(no containers)" line when there is room for it
  const placeholder = rowCount === 0 && free > 0;
  const logLines = Math.max(0, free - tableRows - (placeholder ? 1 : 0));
  // the selection is the last visible row once it is past the first screenful
  const tableOffset = tableRows === 0 ? 0 : Math.max(0, selected - tableRows + 1);
  return { tableRows, tableOffset, logLines, placeholder };
}

/**
 * The last `n` log lines, each made one safe terminal line: tabs expanded, escape sequences and other control
 * characters dropped (a container's colours or cursor moves would break the frame), cut to the width (a
 * wrapped line would push the frame past its height).
 */
export function planLogPane(lines: string[], n: number, width: number): string[] {
  if (n <= 0) return [];
  return lines.slice(-n).map((l) => fit(cleanLine(l), width));
}

/** Pure: a log line without its newline, ANSI sequences or control characters; tabs as spaces. */
export function cleanLine(l: string): string {
  // eslint-disable-next-line no-control-regex
  return l.replace(/\r?\n$/, '').replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, '').replace(/\t/g, '    ').replace(/[\x00-\x1f\x7f]/g, '');
}

/** A log entry as the pane keeps it (the runtime's entry without the stream). */
export interface LogLine { time: string; log: string }

/** Pure: the pane's text lines, with docker's fixed-width stamp in front when asked (`logs -t`). */
export function formatLogLines(lines: LogLine[], timestamps: boolean): string[] {
  return lines.map((l) => (timestamps && l.time ? `${fixedStamp(l.time)} ${l.log}` : l.log));
}
