/**
 * `ps [-a] [-q] [--services] [--status S]... [--filter status=S] [--format table|json|TEMPLATE]`: the
 * project's containers with docker compose's columns (NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS), its
 * JSON fields one object per line, or a Go-style template. Rows are collected from the runtime, then rendered
 * by pure functions.
 */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { inspectContainer, listContainers, listNetworks, type ContainerSummary, type PublishedPort } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { projectOrName } from './project-or-name.js';
import { renderTemplate } from './go-template.js';

const STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

/** Column names of `--format 'table …'`, as docker's container formatter heads them. */
export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Name: 'NAME', Names: 'NAMES', Project: 'PROJECT', Service: 'SERVICE', Image: 'IMAGE', Command: 'COMMAND',
  CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Labels: 'LABELS',
  Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Health: 'HEALTH', ExitCode: 'EXIT CODE',
};

/** Pure: --status values plus `--filter status=X` (the one filter docker compose knows), checked. */
export function psStatuses(status: unknown, filter: unknown): string[] {
  const out = [...((status as string[] | undefined) ?? [])];
  if (typeof filter === 'string' && filter !== '') {
    const eq = filter.indexOf('=');
    if (eq < 0) throw usageError('arguments to --filter should be in form KEY=VAL');
    const key = filter.slice(0, eq);
    if (key !== 'status') throw usageError(`unknown filter ${key}`);
    out.push(filter.slice(eq + 1));
  }
  for (const s of out) if (!STATES.includes(s)) throw usageError(`invalid status "${s}": want one of ${STATES.join(', ')}`);
  return out;
}

export interface PsRow {
  ID: string;
  Name: string;
  Names: string;
  Image: string;
  Command: string;
  Project: string;
  Service: string;
  Created: number;
  CreatedAt: string;
  RunningFor: string;
  State: string;
  Status: string;
  Health: string;
  ExitCode: number;
  Labels: string;
  Networks: string;
  Ports: string;
  Publishers: Array<{ URL: string; TargetPort: number; PublishedPort: number; Protocol: string }>;
  LocalVolumes: string;
  Mounts: string;
  Size: string;
}

/** Docker's HumanDuration ("Less than a second", "5 seconds", "About a minute", "3 hours", ...). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  if (Math.floor(s / 60) === 1) return 'About a minute';
  if (s < 3600) return `${Math.floor(s / 60)} minutes`;
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 14) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 90) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 730) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** docker's `0.0.0.0:8080->80/tcp`; '' host ip means every address. */
export function formatPorts(ports: PublishedPort[]): string {
  return ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.published}->${p.target}/${p.protocol}`).join(', ');
}

/** Pure: one row from the runtime's facts about a container. */
export function psRow(c: ContainerSummary, facts: { image: string; command: string; networks: string[]; ports: PublishedPort[]; mounts: string[] }, now: number): PsRow {
  const st = c.state;
  const created = Date.parse(c.createdAt);
  const health = st?.health?.status ?? '';
  let status: string;
  if (c.status === 'running' || c.status === 'paused' || c.status === 'restarting') {
    const since = st?.startedAt ? Date.parse(st.startedAt) : created;
    status = c.status === 'restarting' ? `Restarting (${st?.exitCode ?? 0}) ${humanDuration(now - since)} ago` : `Up ${humanDuration(now - since)}${c.status === 'paused' ? ' (Paused)' : ''}${health ? ` (${health})` : ''}`;
  } else if (c.status === 'exited' || c.status === 'dead') {
    const at = st?.finishedAt ? Date.parse(st.finishedAt) : created;
    status = `Exited (${st?.exitCode ?? 0}) ${humanDuration(now - at)} ago`;
  } else {
    status = 'Created';
  }
  return {
    ID: c.id,
    Name: c.name,
    Names: c.name,
    Image: facts.image,
    Command: facts.command,
    Project: c.labels[L.project] ?? '',
    Service: c.labels[L.service] ?? '',
    Created: Math.floor(created / 1000),
    CreatedAt: new Date(created).toISOString(),
    RunningFor: `${humanDuration(now - created)} ago`,
    State: c.status,
    Status: status,
    Health: health,
    ExitCode: st?.exitCode ?? 0,
    Labels: Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).sort().join(','),
    Networks: facts.networks.join(','),
    Ports: formatPorts(facts.ports),
    Publishers: facts.ports.map((p) => ({ URL: p.hostIp || '0.0.0.0', TargetPort: p.target, PublishedPort: p.published, Protocol: p.protocol })),
    LocalVolumes: String(facts.mounts.length),
    Mounts: facts.mounts.join(','),
    Size: '0B',
  };
}

/** docker's table: columns padded to the widest cell plus three spaces; the last column is not padded. */
export function renderPsTable(rows: PsRow[]): string {
  const head = ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'];
  const cells = [head, ...rows.map((r) => [r.Name, r.Image, `"${truncate(r.Command, 20)}"`, r.Service, r.RunningFor, r.Status, r.Ports])];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

const ps: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const format = (o.format as string | undefined) ?? 'table';
  const statuses = psStatuses(o.status, o.filter);
  const { name, project } = await projectOrName(ctx, ctx.args);
  // -a (and any status filter) shows stopped containers; -a also `run`'s one-off ones (docker compose: oneOffInclude)
  const all = o.all === true || statuses.length > 0;
  const containers = listContainers({ labels: [`${L.project}=${name}`, ...(o.all === true ? [] : [`${L.oneoff}=False`])], all })
    // a kept pre_start hook container is no container of the service (docker compose lists only those with a config hash)
    .filter((c) => c.labels[L.hook] === undefined)
    .filter((c) => ctx.args.length === 0 || ctx.args.includes(c.labels[L.service] ?? ''))
    .filter((c) => statuses.length === 0 || statuses.includes(c.status))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (o.services) {
    // docker compose lists the services of the containers shown, so `ps --services --status running` works
    ctx.stdout.write([...new Set(containers.map((c) => c.labels[L.service] ?? ''))].map((n) => `${n}\n`).join(''));
    return 0;
  }
  if (o.quiet) {
    ctx.stdout.write(containers.map((c) => `${c.id}\n`).join(''));
    return 0;
  }
  const networks = listNetworks();
  const now = Date.now();
  const rows = containers.map((c) => {
    const info = inspectContainer(c.id) as { Path?: string; Args?: string[]; Mounts?: Array<{ Type: string; Source: string }> };
    const eps = networks.filter((n) => n.endpoints[c.id]);
    return psRow(c, {
      image: project?.services[c.labels[L.service] ?? '']?.image ?? c.labels[L.image] ?? '',
      command: [info.Path ?? '', ...(info.Args ?? [])].filter(Boolean).join(' '),
      networks: eps.map((n) => n.name),
      ports: eps.flatMap((n) => n.endpoints[c.id]!.ports),
      mounts: (info.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => m.Source),
    }, now);
  });
  if (format === 'json') ctx.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else if (format === 'table') ctx.stdout.write(renderPsTable(rows));
  else ctx.stdout.write(renderTemplate(format, rows as unknown as Array<Record<string, unknown>>, PS_HEADERS, Object.keys(PS_HEADERS).concat('Publishers')));
  return 0;
};
export default ps;
