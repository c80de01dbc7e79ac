/**
 * `events [--json] [SERVICE...]`: a stream of container lifecycle events of the project, until Ctrl-C or
 * SIGTERM. There is no daemon to report them: the command polls the runtime's state every 200 ms and turns
 * the difference between two snapshots into docker's actions (create, start, die, stop, pause, unpause,
 * destroy, health_status). Text: `<time> container <action> <id> (k=v, ...)`; --json: one object per line
 * with docker compose's keys.
 */
import type { CommandHandler } from '../command.js';
import { listContainers, type ContainerSummary } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { projectOrName } from './project-or-name.js';

export interface Snapshot {
  id: string;
  name: string;
  service: string;
  status: string;
  startedAt: string;
  exitCode: number | null;
  stopRequested: boolean;
  health: string;
  /** image and the labels that are not docker compose's own (docker compose leaves those out) */
  attributes: Record<string, string>;
}

export interface ComposeEvent { time: Date; action: string; id: string; service: string; attributes: Record<string, string> }

const isUp = (s: string) => s === 'running' || s === 'paused' || s === 'restarting';

/** Pure: what the events need of one container. */
export function snapshotOf(c: ContainerSummary): Snapshot {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.labels)) if (!k.startsWith('com.docker.compose.')) attributes[k] = v;
  attributes.image = c.labels[L.image] ?? '';
  attributes.name = c.name;
  return {
    id: c.id, name: c.name, service: c.labels[L.service] ?? '', status: c.status,
    startedAt: c.state?.startedAt ?? '', exitCode: c.state?.exitCode ?? null, stopRequested: c.state?.stopRequested === true,
    health: c.state?.health?.status ?? '', attributes,
  };
}

/** Pure: the events that explain how `prev` became `next` (both keyed by container id). */
export function diffSnapshots(prev: Map<string, Snapshot>, next: Map<string, Snapshot>, time: Date): ComposeEvent[] {
  const out: ComposeEvent[] = [];
  const ev = (s: Snapshot, action: string, extra: Record<string, string> = {}) => out.push({ time, action, id: s.id, service: s.service, attributes: { ...s.attributes, ...extra } });
  const died = (s: Snapshot) => {
    ev(s, 'die', { exitCode: String(s.exitCode ?? 0) });
    if (s.stopRequested) ev(s, 'stop');
  };
  for (const [id, n] of next) {
    const p = prev.get(id);
    if (!p) {
      ev(n, 'create');
      if (n.startedAt) ev(n, 'start');
      if (n.status === 'paused') ev(n, 'pause');
      if (!isUp(n.status) && n.startedAt) died(n);
      continue;
    }
    const restarted = n.startedAt !== '' && n.startedAt !== p.startedAt;
    if (restarted) {
      // it died and started again between two polls (restart, or the restart policy)
      if (isUp(p.status)) died({ ...n, stopRequested: false });
      ev(n, 'start');
      if (n.status === 'paused') ev(n, 'pause');
      if (!isUp(n.status)) died(n);
      continue;
    }
    if (isUp(p.status) && !isUp(n.status)) died(n);
    else if (p.status === 'running' && n.status === 'paused') ev(n, 'pause');
    else if (p.status === 'paused' && n.status === 'running') ev(n, 'unpause');
    if (n.health && n.health !== p.health) ev(n, `health_status: ${n.health}`);
  }
  for (const [id, p] of prev) {
    if (next.has(id)) continue;
    if (isUp(p.status)) ev(p, 'die', { exitCode: String(p.exitCode ?? 137) });
    ev(p, 'destroy');
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Pure: docker compose's text line (`2006-01-02 15:04:05.000000 container start <id> (k=v, ...)`, local time). */
export function formatEventText(e: ComposeEvent): string {
  const t = e.time;
  const stamp = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}000`;
  const attrs = Object.keys(e.attributes).sort().map((k) => `${k}=${e.attributes[k]}`).join(', ');
  return `${stamp} container ${e.action} ${e.id} (${attrs})`;
}

/** Pure: docker compose's JSON object (keys in Go's map order: sorted). */
export function formatEventJson(e: ComposeEvent): string {
  const attributes = Object.fromEntries(Object.keys(e.attributes).sort().map((k) => [k, e.attributes[k]]));
  return JSON.stringify({ action: e.action, attributes, id: e.id, service: e.service, time: e.time.toISOString(), type: 'container' });
}

function collectSnapshots(project: string, services: string[]): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  for (const c of listContainers({ labels: [`${L.project}=${project}`], all: true })) {
    if (services.length > 0 && !services.includes(c.labels[L.service] ?? '')) continue;
    out.set(c.id, snapshotOf(c));
  }
  return out;
}

const events: CommandHandler = async (ctx) => {
  const { name } = await projectOrName(ctx, ctx.args);
  const json = ctx.options.json === true;
  let prev = collectSnapshots(name, ctx.args);
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const tick = () => {
      const next = collectSnapshots(name, ctx.args);
      for (const e of diffSnapshots(prev, next, new Date())) ctx.stdout.write(`${json ? formatEventJson(e) : formatEventText(e)}\n`);
      prev = next;
      timer = setTimeout(tick, 200);
    };
    timer = setTimeout(tick, 200);
  });
  return 0;
};
export default events;
