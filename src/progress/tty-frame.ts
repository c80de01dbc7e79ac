/**
 * The tty renderer's frame, as a pure function of its tasks and the clock, so it is testable at a fixed width:
 *   [+] Running 2/3
 *    ✔ Network demo_default   Created      0.1s
 *    ⠹ Container demo-web-1   Starting     0.4s
 */
import type { ProgressEvent } from './events.js';
import { humanSize } from './human-size.js';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CELLS = ['⠀', '⡀', '⣀', '⣄', '⣤', '⣦', '⣶', '⣷', '⣿'];

export interface Task {
  event: ProgressEvent;
  startedMs: number;
  endedMs?: number;
  children: Map<string, ProgressEvent>;
}

export interface FrameOptions {
  operation: string;
  nowMs: number;
  width: number;
  rows: number;
  color: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

function icon(t: Task, o: FrameOptions): string {
  switch (t.event.status) {
    case 'Done': return paint(o.color, '32', '✔');
    case 'Warning': return paint(o.color, '33;1', '!');
    case 'Error': return paint(o.color, '31;1', '✘');
    default: return SPINNER[Math.floor(o.nowMs / 100) % SPINNER.length]!;
  }
}

function layerBar(t: Task): string {
  if (t.children.size === 0) return '';
  let cur = 0;
  let tot = 0;
  const cells = [...t.children.values()].map((c) => {
    const p = c.percent ?? (c.total ? Math.floor(((c.current ?? 0) * 100) / c.total) : c.status === 'Done' ? 100 : 0);
    cur += c.current ?? 0;
    tot += c.total ?? 0;
    return CELLS[Math.min(8, Math.floor((p * 8) / 100))];
  });
  return ` [${cells.join('')}] ${humanSize(cur)} / ${humanSize(tot)}`;
}

export function renderFrame(tasks: Task[], o: FrameOptions): string[] {
  const finished = tasks.filter((t) => t.event.status !== 'Working').length;
  const lines = [`[+] ${o.operation} ${finished}/${tasks.length}`];
  const idWidth = Math.max(0, ...tasks.map((t) => t.event.id.length + layerBar(t).length));
  const textWidth = Math.max(0, ...tasks.map((t) => t.event.text.length));
  const room = o.rows - 2;
  const shown = tasks.length > room ? tasks.slice(0, Math.max(0, room - 1)) : tasks;
  for (const t of shown) {
    const elapsed = (((t.endedMs ?? o.nowMs) - t.startedMs) / 1000).toFixed(1) + 's';
    const id = (t.event.id + layerBar(t)).padEnd(idWidth);
    let line = ` ${icon(t, o)} ${id} ${t.event.text.padEnd(textWidth)}`;
    if (t.event.details) line += ` ${t.event.details}`;
    const visible = line.replace(/\x1b\[[0-9;]*m/g, '').length;
    const pad = Math.max(1, o.width - visible - elapsed.length - 1);
    lines.push(line + ' '.repeat(pad) + paint(o.color, '34', elapsed));
  }
  if (shown.length < tasks.length) lines.push(` ... ${tasks.length - shown.length} more`);
  return lines;
}
