/**
 * `ls [-a] [--format table|json] [-q] [--filter name=...]`: the Compose projects on this host, discovered
 * from the project label of containers (running ones; -a: all), as docker compose lists them: NAME STATUS
 * CONFIG FILES, status like `exited(1), running(2)`; JSON is one array on one line.
 */
import type { CommandHandler } from '../command.js';
import { usageError } from '../../errors.js';
import { listContainers, type ContainerSummary } from '../../../runtime/index.js';
import { L } from '../../reconcile/labels.js';
import { isPreStartHook } from '../../reconcile/pre-start.js';
import { renderTable } from './text-table.js';

export interface Stack { Name: string; Status: string; ConfigFiles: string }

/** Pure: docker compose's combinedStatus: `state(count)` pairs sorted by state, joined with ", ". */
export function combinedStatus(states: string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.keys()].sort().map((s) => `${s}(${counts.get(s)})`).join(', ');
}

/**
 * Pure: one Stack per project label, sorted by name; CONFIG FILES joins the distinct config_files labels.
 * A kept pre_start hook container is no container of the project (docker compose lists only containers
 * with a config hash, which a hook container lacks), so it neither counts nor keeps a project listed.
 */
export function collectStacks(containers: ContainerSummary[]): Stack[] {
  const byProject = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    const p = c.labels[L.project];
    if (p === undefined || isPreStartHook(c.labels)) continue;
    (byProject.get(p) ?? byProject.set(p, []).get(p)!).push(c);
  }
  return [...byProject.keys()].sort().map((name) => {
    const cs = byProject.get(name)!;
    const files = [...new Set(cs.flatMap((c) => (c.labels[L.configFiles] ?? '').split(',').filter(Boolean)))];
    return { Name: name, Status: combinedStatus(cs.map((c) => c.status)), ConfigFiles: files.join(',') };
  });
}

/** Pure: `--filter name=<regexp>` values (docker matches a name filter as a regular expression). */
export function parseLsFilters(values: string[]): RegExp[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    const key = eq < 0 ? v : v.slice(0, eq);
    if (key !== 'name' || eq < 0) throw usageError(`invalid filter '${v}'`, 'ls accepts --filter name=<name>');
    try {
      return new RegExp(v.slice(eq + 1));
    } catch {
      throw usageError(`invalid filter '${v}': not a regular expression`);
    }
  });
}

export function renderStacks(stacks: Stack[], format: string): string {
  if (format === 'json') return `${JSON.stringify(stacks)}\n`;
  return renderTable(['NAME', 'STATUS', 'CONFIG FILES'], stacks.map((s) => [s.Name, s.Status, s.ConfigFiles]), 3, 20);
}

const ls: CommandHandler = async (ctx) => {
  const o = ctx.options;
  const format = String(o.format ?? 'table');
  if (format !== 'table' && format !== 'json') throw usageError(`invalid --format "${format}": want table or json`);
  if (ctx.args.length > 0) throw usageError(`ls accepts no arguments, got "${ctx.args.join(' ')}"`);
  const filters = parseLsFilters((o.filter as string[] | undefined) ?? []);
  const stacks = collectStacks(listContainers({ labels: [L.project], all: o.all === true }))
    .filter((s) => filters.every((re) => re.test(s.Name)));
  if (o.quiet) {
    ctx.stdout.write(stacks.map((s) => `${s.Name}\n`).join(''));
    return 0;
  }
  ctx.stdout.write(renderStacks(stacks, format));
  return 0;
};
export default ls;
