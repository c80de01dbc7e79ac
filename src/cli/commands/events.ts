/**
 * `events [--json] [--since T] [--until T] [SERVICE...]`: a stream of container lifecycle events of the
 * project, until Ctrl-C, SIGTERM or --until. There is no daemon to report them: the command polls the
 * runtime's state every 200 ms and turns the difference between two snapshots into docker's actions (create,
 * start, die, stop, pause, unpause, destroy, health_status). Text: `<time> container <action> <id> (k=v, ...)`;
 * --json: one object per line with docker compose's keys. One-off (`run`) containers are left out, as docker
 * compose leaves them out, and so are kept pre_start hook containers (no container of the service).
 * Past events (--since, or --until alone, as the docker daemon replays its buffer) have no journal to come
 * from: they are rebuilt from what each existing container's state still records (its create, its last start,
 * its last exit); a removed container's events and earlier restarts are gone.
 */
import type { CommandHandler } from '../command.js';
import { listContainers, type ContainerSummary } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { isPreStartHook } from '../../reconcile/pre-start.js';
import { usageError } from '../../errors.js';
import { parseLogTime } from '../../logs/log-time.js';
import { projectOrName } from './project-or-name.js';

export interface Snapshot {
  id: string;
  name: string;
  service: string;
  status: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
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
    createdAt: c.createdAt, startedAt: c.state?.startedAt ?? '', finishedAt: c.state?.finishedAt ?? '', exitCode: c.state?.exitCode ?? null, stopRequested: c.state?.stopRequested === true,
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

/** The part of time the events cover, in ms since the epoch; absent bounds are open. */
export interface EventWindow { since?: number; until?: number }

/**
 * Pure: --since/--until (logs' time forms: RFC3339, Unix seconds, or a duration back from now) as a window.
 * A window ending before it starts is refused, as the docker daemon refuses it.
 */
export function parseEventWindow(since: unknown, until: unknown, now: Date): EventWindow {
  const at = (flag: string, v: unknown) => (v === undefined || v === '' ? undefined : Date.parse(parseLogTime(flag, String(v), now)));
  const w: EventWindow = {};
  const s = at('--since', since);
  const u = at('--until', until);
  if (s !== undefined) w.since = s;
  if (u !== undefined) w.until = u;
  if (s !== undefined && u !== undefined && u < s) {
    throw usageError(`--since time (${String(since)}) cannot be after --until time (${String(until)})`);
  }
  return w;
}

/** Pure: docker replays past events when either bound is given (--until alone replays from the start). */
export const wantsReplay = (w: EventWindow): boolean => w.since !== undefined || w.until !== undefined;

const inWindow = (w: EventWindow, t: number) => (w.since === undefined || t >= w.since) && (w.until === undefined || t <= w.until);

/**
 * Pure: the past events the containers' state still shows, inside the window, oldest first: create at its
 * creation, start at its last start, and for one that is no longer up, die (and stop when it was asked to
 * stop) at its last exit.
 */
export function planReplay(snapshots: Iterable<Snapshot>, w: EventWindow): ComposeEvent[] {
  const out: ComposeEvent[] = [];
  const ev = (s: Snapshot, stamp: string, action: string, extra: Record<string, string> = {}) => {
    const t = Date.parse(stamp);
    if (Number.isFinite(t) && inWindow(w, t)) out.push({ time: new Date(t), action, id: s.id, service: s.service, attributes: { ...s.attributes, ...extra } });
  };
  for (const s of snapshots) {
    ev(s, s.createdAt, 'create');
    if (s.startedAt) ev(s, s.startedAt, 'start');
    if (!isUp(s.status) && s.startedAt && s.finishedAt) {
      ev(s, s.finishedAt, 'die', { exitCode: String(s.exitCode ?? 0) });
      if (s.stopRequested) ev(s, s.finishedAt, 'stop');
    }
  }
  // a stable sort: create before start before die when two share a stamp
  return out.sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Pure: whether live watching ends now (--until reached). */
export const isPastUntil = (w: EventWindow, now: number): boolean => w.until !== undefined && now > w.until;

/** Pure: the containers whose events are shown: the project's services (those asked for), no one-off, no hook container. */
export function selectEventContainers<T extends { labels: Record<string, string> }>(containers: T[], services: string[]): T[] {
  return containers.filter((c) => c.labels[L.oneoff] !== 'True' && !isPreStartHook(c.labels)
    && (services.length === 0 || services.includes(c.labels[L.service] ?? '')));
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
  const containers = selectEventContainers(listContainers({ labels: [`${L.project}=${project}`], all: true }), services);
  return new Map(containers.map((c) => [c.id, snapshotOf(c)]));
}

const events: CommandHandler = async (ctx) => {
  const window = parseEventWindow(ctx.options.since, ctx.options.until, new Date());
  const { name } = await projectOrName(ctx, ctx.args);
  const json = ctx.options.json === true;
  const print = (e: ComposeEvent) => ctx.stdout.write(`${json ? formatEventJson(e) : formatEventText(e)}\n`);
  let prev = collectSnapshots(name, ctx.args);
  if (wantsReplay(window)) for (const e of planReplay(prev.values(), window)) print(e);
  if (isPastUntil(window, Date.now())) return 0;
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
      const now = new Date();
      if (isPastUntil(window, now.getTime())) return stop();
      const next = collectSnapshots(name, ctx.args);
      for (const e of diffSnapshots(prev, next, now)) print(e);
      prev = next;
      timer = setTimeout(tick, 200);
    };
    timer = setTimeout(tick, 200);
  });
  return 0;
};
export default events;
