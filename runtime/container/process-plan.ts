/**
 * The container's process: argv from entrypoint/command with Docker's override rules, the environment
 * (image env, then spec env, plus PATH/HOSTNAME/HOME/TERM defaults), the working dir. Pure.
 */
import { RuntimeError } from '../errors.js';
import type { ContainerSpec } from '../types.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Docker: an entrypoint set on the container drops the image's CMD; a command replaces CMD only. */
export function planArgs(spec: ContainerSpec): string[] {
  const entrypointSet = spec.entrypoint !== undefined && spec.entrypoint !== null;
  const entrypoint = entrypointSet ? spec.entrypoint! : spec.image.entrypoint ?? [];
  const cmd = spec.command !== undefined && spec.command !== null ? spec.command : entrypointSet ? [] : spec.image.cmd ?? [];
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw new RuntimeError('E_SPEC_COMMAND', 'no command specified (the image has no entrypoint or cmd, and none was given)');
  return args;
}

/** Later entries win per key; order of first appearance is kept (as docker prints `env`). */
export function mergeEnv(...lists: string[][]): string[] {
  const map = new Map<string, string>();
  for (const list of lists) {
    for (const kv of list) {
      const eq = kv.indexOf('=');
      const key = eq < 0 ? kv : kv.slice(0, eq);
      if (key.length === 0) throw new RuntimeError('E_SPEC_ENV', `invalid environment entry "${kv}"`);
      if (eq < 0) continue; // "KEY" without value: docker takes it from the CLI's env; the caller resolves it
      map.set(key, kv);
    }
  }
  return [...map.values()];
}

export function planEnv(spec: ContainerSpec, hostname: string, home: string): string[] {
  const defaults = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`];
  const env = mergeEnv(defaults, spec.image.env, spec.env ?? []);
  const keys = new Set(env.map((kv) => kv.slice(0, kv.indexOf('='))));
  if (spec.tty && !keys.has('TERM')) env.push('TERM=xterm');
  if (!keys.has('HOME')) env.push(`HOME=${home}`);
  return env;
}

export function planCwd(spec: ContainerSpec): string {
  const cwd = spec.workingDir || spec.image.workingDir || '/';
  if (!cwd.startsWith('/')) throw new RuntimeError('E_SPEC_WORKDIR', `working_dir "${cwd}" must be an absolute path`);
  return cwd;
}
