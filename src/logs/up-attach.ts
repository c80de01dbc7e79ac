/**
 * Attached `up`, the decisions (pure): which services' logs are shown (--attach, --no-attach,
 * --attach-dependencies, `attach: false`), which services are watched for exits, and what an exit means
 * under --abort-on-container-exit, --abort-on-container-failure and --exit-code-from — all as docker
 * compose decides them.
 */
import type { Project } from '../compose/types.js';
import { UserError } from '../errors.js';

export type OnExit = 'ignore' | 'stop' | 'fail';

export interface AttachFlags {
  /** SERVICE... as given */
  services: string[];
  /** the services up acts on (named ones and their dependencies unless --no-deps), in start order */
  scope: string[];
  attach: string[];
  noAttach: string[];
  attachDependencies: boolean;
}

/** The services whose logs are streamed. */
export function planAttach(project: Project, f: AttachFlags): string[] {
  let out: string[];
  if (f.attach.length > 0) {
    const unexpected = f.attach.filter((s) => !f.scope.includes(s));
    if (unexpected.length > 0) throw new UserError('E_USAGE', `cannot attach to services not included in up: ${[...new Set(unexpected)].sort().join(', ')}`, { exitCode: 1 });
    out = [...new Set(f.attach)];
  } else {
    // named services only; their dependencies too with --attach-dependencies (or when none is named: all)
    const roots = f.services.length > 0 && !f.attachDependencies ? f.scope.filter((s) => f.services.includes(s)) : f.scope;
    out = roots.filter((s) => project.services[s]?.attach !== false);
  }
  return out.filter((s) => !f.noAttach.includes(s));
}

/** The services whose exits end `up`: the named ones, else the attached ones, else (nothing attached) all of them. */
export function planWatched(f: Pick<AttachFlags, 'services' | 'scope'>, attached: string[]): string[] {
  if (f.services.length > 0) return [...f.services];
  return attached.length > 0 ? [...attached] : [...f.scope];
}

export interface ExitState {
  exitCode: number;
  /** the cascade already started */
  aborting: boolean;
  /** --exit-code-from already captured its service's code */
  captured: boolean;
}

export interface ExitDecision { state: ExitState; abort: boolean }

/**
 * One container exit (also one a restart policy follows): the first exit (or failure, with `fail`) starts
 * the cascade and records its code; the first exit of --exit-code-from's service records that code.
 */
export function planOnExit(state: ExitState, exit: { service: string; exitCode: number }, o: { onExit: OnExit; exitCodeFrom?: string }): ExitDecision {
  const next = { ...state };
  let abort = false;
  if (o.onExit !== 'ignore' && !state.aborting && !(o.onExit === 'fail' && exit.exitCode === 0)) {
    next.aborting = true;
    next.exitCode = exit.exitCode;
    abort = true;
  }
  if (o.exitCodeFrom !== undefined && !state.captured && exit.service === o.exitCodeFrom) {
    next.captured = true;
    next.exitCode = exit.exitCode;
  }
  return { state: next, abort };
}

/** The flag combinations docker compose refuses for up (its messages), and what the others imply. */
export function checkAttachedUpFlags(o: {
  detach: boolean; wait: boolean; abortOnExit: boolean; abortOnFailure: boolean; exitCodeFrom?: string; attach: string[]; attachDependencies: boolean; noStart: boolean;
}): { detach: boolean; onExit: OnExit } {
  const stop = o.abortOnExit || (o.exitCodeFrom !== undefined && !o.abortOnFailure);
  const bad = (m: string): UserError => new UserError('E_USAGE', m, { exitCode: 1 });
  if (stop && o.abortOnFailure) throw bad('--abort-on-container-failure cannot be combined with --abort-on-container-exit');
  if (o.wait && (o.attachDependencies || stop || o.attach.length > 0)) throw bad('--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies');
  if (o.attach.length > 0 && o.attachDependencies) throw bad('cannot combine --attach and --attach-dependencies');
  const detach = o.detach || o.wait;
  if (detach && (o.attachDependencies || stop || o.abortOnFailure || o.attach.length > 0)) {
    throw bad(`${o.wait ? '--wait' : '--detach'} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch`);
  }
  return { detach, onExit: stop ? 'stop' : o.abortOnFailure ? 'fail' : 'ignore' };
}
