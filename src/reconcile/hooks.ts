/**
 * Lifecycle hooks (post_start, pre_stop) as docker compose runs them (pkg/compose/hook.go): each hook is an
 * exec in the service's container with its own command, user, privileged flag, working_dir and environment,
 * one after the other; the first that exits non-zero fails the start (post_start) or the stop (pre_stop)
 * with `<service> hook exited with status <n>`. A pre_stop hook of a container that is not running is
 * skipped, as docker compose ignores the conflict its exec create meets then.
 * pre_start is no exec: each hook is a container of its own, run before the service's containers start
 * (pre-start.ts decides, exec-steps.ts runs it).
 */
import { RuntimeError, execCapture, listContainers } from '../../runtime/index.js';
import type { ServiceConfig, ServiceHook } from '../compose/types.js';

export type HookKind = 'post_start' | 'pre_stop';

/** What one hook execs: the command and the shim's exec options. */
export interface HookExec {
  command: string[];
  env: string[];
  user?: string;
  workingDir?: string;
  privileged?: boolean;
}

/**
 * Pure: the execs of a service's hooks of one kind, in file order. An environment entry without a value
 * (`KEY:` / `- KEY`) is left out: it names nothing to set, and the exec inherits the container's
 * environment anyway.
 */
export function planHooks(service: ServiceConfig, kind: HookKind): HookExec[] {
  return (service[kind] ?? []).map((h: ServiceHook) => ({
    command: h.command,
    env: Object.entries(h.environment ?? {}).filter((e): e is [string, string] => e[1] !== null).map(([k, v]) => `${k}=${v}`),
    ...(h.user ? { user: h.user } : {}),
    ...(h.working_dir ? { workingDir: h.working_dir } : {}),
    ...(h.privileged ? { privileged: true } : {}),
  }));
}

/** Pure: docker compose's message for a hook that exited non-zero. */
export function hookFailure(service: string, exitCode: number): string {
  return `${service} hook exited with status ${exitCode}`;
}

/** A hook may take long (a migration, a chown -R); it is not a probe, so the limit is generous. */
const HOOK_TIMEOUT_MS = 10 * 60_000;

/** Runs the hooks of one kind in the container `id`; throws on the first that fails. */
export async function execHooks(service: ServiceConfig | undefined, kind: HookKind, id: string, name: string): Promise<void> {
  const hooks = service ? planHooks(service, kind) : [];
  if (hooks.length === 0) return;
  if (kind === 'pre_stop' && listContainers({ all: true }).find((c) => c.id === id)?.status !== 'running') return;
  for (const h of hooks) {
    let r: { exitCode: number; stderr: string };
    try {
      r = await execCapture(id, h.command, { env: h.env, user: h.user, workingDir: h.workingDir, privileged: h.privileged, timeoutMs: HOOK_TIMEOUT_MS });
    } catch (e) {
      throw new RuntimeError('E_HOOK', `${kind} hook of container "${name}": ${(e as Error).message}`);
    }
    if (r.exitCode !== 0) {
      const detail = r.stderr.trim().split('\n').pop();
      throw new RuntimeError('E_HOOK', hookFailure(service!.name, r.exitCode), detail ? { hint: `${kind} hook of container "${name}": ${detail}` } : undefined);
    }
  }
}
