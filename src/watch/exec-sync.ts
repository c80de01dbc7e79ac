/**
 * Carries one batch's sync into every running container of a service: paths gone on the host are removed
 * and missing parent directories made with one `rm -rf` and one `mkdir -p` in the container (as docker
 * compose's syncer does, so the image needs those tools), then files are copied in-process through the
 * runtime's copy into a running container. A burst of N files is one batch: at most two processes per
 * container, whatever N is.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { copyToContainer, execCapture, listContainers, type ContainerSummary } from '../../runtime/index.js';
import { UserError } from '../errors.js';
import { L } from '../reconcile/labels.js';
import { planSyncSteps, type SyncMapping } from './batch.js';
import type { WatchExec } from './rules.js';

/** The service's running containers, one-offs excluded (docker compose syncs to those alone). */
export function collectWatchTargets(project: string, service: string): ContainerSummary[] {
  return listContainers({ labels: [`${L.project}=${project}`, `${L.service}=${service}`, `${L.oneoff}=False`] })
    .filter((c) => c.status === 'running');
}

function kindOf(p: string): 'file' | 'dir' | 'missing' {
  try {
    return lstatSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** Effect: a changed directory stands for everything under it (a directory moved in comes as one event). */
export function expandDirectories(paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (p: string): void => {
    out.add(p);
    if (kindOf(p) !== 'dir') return;
    let names: string[] = [];
    try { names = readdirSync(p); } catch { return; }
    for (const n of names) walk(path.join(p, n));
  };
  for (const p of paths) walk(p);
  return [...out];
}

async function execChecked(c: ContainerSummary, cmd: string[]): Promise<void> {
  const r = await execCapture(c.id, cmd, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new UserError('E_WATCH_SYNC', `sync to container "${c.name}": ${cmd[0]} exited with code ${r.exitCode}: ${r.stderr.trim()}`);
}

export async function execSync(project: string, service: string, mappings: SyncMapping[]): Promise<void> {
  const steps = planSyncSteps(mappings, kindOf);
  for (const c of collectWatchTargets(project, service)) {
    if (steps.remove.length > 0) await execChecked(c, ['rm', '-rf', '--', ...steps.remove]);
    if (steps.mkdir.length > 0) await execChecked(c, ['mkdir', '-p', '--', ...steps.mkdir]);
    for (const m of steps.copy) {
      // the file may be gone again since the batch was planned: the next batch removes it
      if (kindOf(m.hostPath) === 'missing') continue;
      copyToContainer(c.id, m.hostPath, m.containerPath);
    }
  }
}

/** Runs a sync+exec command in each running container of the service; its output goes to the given streams. */
export async function execWatchCommand(project: string, service: string, x: WatchExec, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  await Promise.all(collectWatchTargets(project, service).map(async (c) => {
    const r = await execCapture(c.id, x.command, { env: x.env, ...(x.user ? { user: x.user } : {}), ...(x.workingDir ? { workingDir: x.workingDir } : {}), ...(x.privileged ? { privileged: true } : {}), timeoutMs: 300_000 });
    out.write(r.stdout);
    err.write(r.stderr);
    if (r.exitCode !== 0) throw new UserError('E_WATCH_EXEC', `exec in container "${c.name}": ${x.command.join(' ')}: exit code ${r.exitCode}`);
  }));
}
