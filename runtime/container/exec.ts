/**
 * exec: runs a command in a running container through `tscompose-shim exec B ...` (the shim joins the
 * namespaces, cgroup, caps, seccomp and user; Node cannot setns into a mount namespace). Pure argv planning,
 * then a spawn whose stdio the caller chooses (inherit for the CLI, pipes for tests and health tooling).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RuntimeError, wrapError } from '../errors.js';
import { shimPath } from '../sys/native.js';
import { openContainer } from './lookup.js';
import { resolveInRoot } from './path-safety.js';
import { resolveUser } from './user.js';

export interface ExecOptions {
  tty?: boolean;
  interactive?: boolean;
  env?: string[];
  /** "user[:group]", names or numbers (resolved against the container's /etc/passwd and /etc/group) */
  user?: string;
  workingDir?: string;
  privileged?: boolean;
  stdio?: StdioOptions;
  /** its own session (exec -d: it outlives the CLI and the terminal's signals) */
  detached?: boolean;
}

/** Pure: the shim's argv for an exec (PROTOCOL.md: `exec B [-t] [-i] [-e K=V]... [-u u:g] [-w dir] [--privileged] -- cmd...`). */
export function planExecArgs(bundleDir: string, cmd: string[], opts: ExecOptions): string[] {
  if (cmd.length === 0) throw new RuntimeError('E_EXEC_COMMAND', 'no command given');
  const args = ['exec', bundleDir];
  if (opts.tty) args.push('-t');
  if (opts.interactive) args.push('-i');
  for (const e of opts.env ?? []) {
    if (!e.includes('=')) throw new RuntimeError('E_EXEC_ENV', `invalid environment entry "${e}" (want KEY=VALUE)`);
    args.push('-e', e);
  }
  if (opts.user) args.push('-u', opts.user);
  if (opts.workingDir) args.push('-w', opts.workingDir);
  if (opts.privileged) args.push('--privileged');
  args.push('--', ...cmd);
  return args;
}

/**
 * The shim takes numbers only: a user given by name (or a uid whose group comes from passwd) is resolved
 * here against the files the container sees now, as `docker exec -u` does.
 */
function execUser(root: string, user: string | undefined): string | undefined {
  if (!user) return undefined;
  const read = (f: string) => { try { return readFileSync(resolveInRoot(root, f), 'utf8'); } catch { return ''; } };
  const u = resolveUser(user, undefined, read('/etc/passwd'), read('/etc/group'));
  return `${u.uid}:${u.gid}`;
}

export function spawnExec(ref: string, cmd: string[], opts: ExecOptions = {}): ChildProcess {
  const c = openContainer(ref, 'exec');
  if (c.status !== 'running') throw new RuntimeError('E_CONTAINER_NOT_RUNNING', `exec in container "${c.meta.name}": the container is ${c.status}`);
  let args: string[];
  try {
    args = planExecArgs(c.bundle.dir, cmd, { ...opts, user: execUser(`/proc/${c.state!.pid}/root`, opts.user) });
  } catch (e) { throw wrapError(`exec in container "${c.meta.name}"`, e); }
  return spawn(shimPath(), args, { stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'], ...(opts.detached ? { detached: true } : {}) });
}

/** Runs to completion, collecting output: { exitCode, stdout, stderr }. */
export function execCapture(ref: string, cmd: string[], opts: Omit<ExecOptions, 'stdio'> & { input?: string; timeoutMs?: number } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const withInput = opts.input !== undefined;
  const child = spawnExec(ref, cmd, { ...opts, interactive: opts.interactive ?? withInput, stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => { /* the command exited without reading all of its input */ });
      child.stdin.end(opts.input);
    }
  });
}
