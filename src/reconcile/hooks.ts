/**
 * Lifecycle hooks (post_start, pre_stop) as docker compose runs them (pkg/compose/hook.go): each hook is an
 * exec in the service's container with its own command, user, privileged flag, working_dir and environment,
 * one after the other; the first that exits non-zero fails the start (post_start) or the stop (pre_stop)
 * with `<service> hook exited with status <n>`. A pre_stop hook of a container that is not running is
 * skipped, as docker compose ignores the conflict its exec create meets then.
 * pre_start is no exec: each hook is a container of its own, run before the service's containers start
 * (pre-start.ts decides, exec-steps.ts runs it).
 * Output: attached `up` shows what a hook prints as log lines of its own source (`web-1 ->` for post_start
 * and pre_stop, `web pre_start[0] ->` for pre_start), stdout and stderr alike; `up -d` and the other
 * commands show nothing (docker compose attaches no output then), only a failure's last stderr line.
 */
import { RuntimeError, execCapture, listContainers, readLogs, spawnExec } from '../../runtime/index.js';
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

/** One line of hook output, without its newline, for attached `up`. */
export type HookLine = (line: string) => void;

/** Pure: docker compose's log source of a post_start/pre_stop hook: the container's name less the project, then `->`. */
export function planHookLogSource(project: string, service: string, name: string): string {
  // a custom container_name is shown whole, as in the logs
  const prefix = `${project}-${service}-`;
  const short = name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) ? name.slice(project.length + 1) : name;
  return `${short} ->`;
}

/** Pure: docker compose's log source of a pre_start hook. */
export function planPreStartLogSource(service: string, index: number): string {
  return `${service} pre_start[${index}] ->`;
}

/**
 * Text chunks into whole lines (docker compose's line writer): a line is emitted at its newline, the rest
 * waits for the next chunk or for end(), which flushes a last line without one.
 */
export function createLineSplitter(emit: HookLine): { push: (chunk: string) => void; end: () => void } {
  let rest = '';
  return {
    push(chunk) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) emit(p.replace(/\r$/, ''));
    },
    end() {
      if (rest !== '') emit(rest.replace(/\r$/, ''));
      rest = '';
    },
  };
}

/** How long a finished pre_start hook's output may take to drain before the follow is cut. */
const FOLLOW_DRAIN_MS = 5_000;

/**
 * Follows a pre_start hook container's output into `log`, opened before the container starts so a quick
 * hook cannot race it. finish() (once the container has exited) waits for the reader, which ends by itself
 * when the container is gone, and cuts it after FOLLOW_DRAIN_MS (0: at once, for a hook that never ran).
 */
export function followHookOutput(id: string, log: HookLine): { finish: (drainMs?: number) => Promise<void> } {
  const abort = new AbortController();
  const lines = createLineSplitter(log);
  const done = (async () => {
    for await (const e of readLogs(id, { follow: true, signal: abort.signal })) lines.push(e.log);
  })().catch(() => undefined).finally(() => lines.end());
  return {
    async finish(drainMs = FOLLOW_DRAIN_MS) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((r) => { timer = setTimeout(r, drainMs); })]);
      clearTimeout(timer);
      abort.abort();
      await done;
    },
  };
}

/** A hook may take long (a migration, a chown -R); it is not a probe, so the limit is generous. */
const HOOK_TIMEOUT_MS = 10 * 60_000;

/** Runs one exec to its end; with `log`, its output goes there line by line as it comes. */
function execHook(id: string, h: HookExec, log: HookLine | undefined): Promise<{ exitCode: number; stderr: string }> {
  const opts = { env: h.env, user: h.user, workingDir: h.workingDir, privileged: h.privileged };
  if (!log) return execCapture(id, h.command, { ...opts, timeoutMs: HOOK_TIMEOUT_MS });
  const child = spawnExec(id, h.command, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  // stdout and stderr share one line writer, as docker compose's hook output does
  const lines = createLineSplitter(log);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; lines.push(d); });
    const timer = setTimeout(() => child.kill('SIGKILL'), HOOK_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      lines.end();
      resolve({ exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stderr });
    });
  });
}

/**
 * Runs the hooks of one kind in the container `id`; throws on the first that fails. `log` (attached `up`)
 * receives their output.
 */
export async function execHooks(service: ServiceConfig | undefined, kind: HookKind, id: string, name: string, log?: HookLine): Promise<void> {
  const hooks = service ? planHooks(service, kind) : [];
  if (hooks.length === 0) return;
  if (kind === 'pre_stop' && listContainers({ all: true }).find((c) => c.id === id)?.status !== 'running') return;
  for (const h of hooks) {
    let r: { exitCode: number; stderr: string };
    try {
      r = await execHook(id, h, log);
    } catch (e) {
      throw new RuntimeError('E_HOOK', `${kind} hook of container "${name}": ${(e as Error).message}`);
    }
    if (r.exitCode !== 0) {
      const detail = r.stderr.trim().split('\n').pop();
      throw new RuntimeError('E_HOOK', hookFailure(service!.name, r.exitCode), detail ? { hint: `${kind} hook of container "${name}": ${detail}` } : undefined);
    }
  }
}
