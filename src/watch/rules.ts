/**
 * The watch rules of a project: each service's `develop.watch` entries with their matchers (the entry's
 * ignore and include patterns, the build context's .dockerignore, editor temporaries, .git), checked as
 * docker compose checks them before it starts watching. Pure: the .dockerignore text comes from the caller.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Project, ServiceConfig } from '../compose/types.js';
import { splitShellWords } from '../compose/canonical/command.js';
import { createPatternMatcher, isEphemeral, isInDotGit, type PathMatcher } from './patterns.js';

export type WatchAction = 'sync' | 'rebuild' | 'restart' | 'sync+restart' | 'sync+exec';
const ACTIONS: readonly WatchAction[] = ['sync', 'rebuild', 'restart', 'sync+restart', 'sync+exec'];

export interface WatchExec { command: string[]; user?: string; privileged?: boolean; workingDir?: string; env: string[] }

export interface WatchRule {
  service: string;
  action: WatchAction;
  /** absolute host path watched (a directory or a file) */
  path: string;
  /** container path the host path maps to (sync actions) */
  target?: string;
  exec?: WatchExec;
  initialSync: boolean;
  include?: PathMatcher;
  ignore: PathMatcher[];
}

export const NONE_CONFIGURED = "none of the selected services is configured for watch, consider setting a 'develop' section";

export interface RuleInputs {
  /** the .dockerignore patterns of a service's build context, when it has one */
  dockerignore: (service: ServiceConfig) => string[];
}

const isSync = (a: WatchAction): boolean => a === 'sync' || a === 'sync+restart' || a === 'sync+exec';

/** Pure: `sync*` rules need a target; a path covered by a bind mount is not watched (docker compose warns). */
export function planWatchRules(project: Project, services: string[], inputs: RuleInputs): { rules: WatchRule[]; warnings: string[] } {
  const selected = services.length > 0 ? services : Object.keys(project.services).sort();
  const rules: WatchRule[] = [];
  const warnings: string[] = [];
  for (const name of selected) {
    const service = project.services[name];
    if (!service) throw new UserError('E_NO_SUCH_SERVICE', `no such service: ${name}`);
    const entries = service.develop?.watch ?? [];
    if (entries.length === 0) continue;
    const contextIgnore = service.build?.context ? createPatternMatcher(service.build.context, inputs.dockerignore(service), `service "${name}": .dockerignore`) : undefined;
    entries.forEach((entry, i) => {
      const where = `service "${name}": develop.watch[${i}]`;
      const action = entry.action as WatchAction;
      if (!ACTIONS.includes(action)) throw new UserError('E_WATCH_RULE', `${where}: unknown action "${String(entry.action)}"`);
      if (typeof entry.path !== 'string' || entry.path === '') throw new UserError('E_WATCH_RULE', `${where}: watch rules MUST define a path`);
      const hostPath = path.resolve(project.workingDir, entry.path);
      if (action === 'rebuild' && !service.build) throw new UserError('E_WATCH_RULE', `can't watch service "${name}" with action rebuild without a build context`);
      const target = typeof entry.target === 'string' && entry.target !== '' ? entry.target : undefined;
      if (isSync(action) && target === undefined) throw new UserError('E_WATCH_RULE', `${where}: action ${action} needs a target`);
      if (target !== undefined && !target.startsWith('/')) throw new UserError('E_WATCH_RULE', `${where}: target "${target}" must be an absolute path`);
      const exec = action === 'sync+exec' ? planExec(entry.exec, `${where}.exec`, name) : undefined;
      if (isSync(action) && boundByMount(hostPath, service)) {
        warnings.push(`path '${hostPath}' also declared by a bind mount volume, this path won't be monitored!`);
        return;
      }
      const include = stringList(entry.include, `${where}.include`);
      const own = createPatternMatcher(hostPath, stringList(entry.ignore, `${where}.ignore`), `${where}.ignore`);
      rules.push({
        service: name, action, path: hostPath, ...(target !== undefined ? { target } : {}), ...(exec ? { exec } : {}),
        initialSync: entry.initial_sync === true,
        ...(include.length > 0 ? { include: createPatternMatcher(hostPath, include, `${where}.include`) } : {}),
        ignore: [...(contextIgnore ? [contextIgnore] : []), own],
      });
    });
  }
  if (rules.length === 0) throw new UserError('E_WATCH_NONE', NONE_CONFIGURED);
  return { rules, warnings };
}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new UserError('E_WATCH_RULE', `${where}: want a string or a list of strings`);
}

/** Pure: exec.command as words (a string is split as a shell would, not run through one) and its options. */
export function planExec(v: unknown, where: string, service: string): WatchExec {
  const x = (v ?? {}) as Record<string, unknown>;
  const cmd = x.command;
  let command: string[] = [];
  if (typeof cmd === 'string') command = splitShellWords(cmd, { path: [], warn: () => undefined });
  else if (Array.isArray(cmd)) command = cmd.map(String);
  if (command.length === 0) throw new UserError('E_WATCH_RULE', `can't watch with action "sync+exec" on service ${service} without a command`, { hint: `set ${where}.command` });
  const envIn = x.environment;
  const env = Array.isArray(envIn) ? envIn.map(String)
    : envIn && typeof envIn === 'object' ? Object.entries(envIn as Record<string, unknown>).filter(([, val]) => val !== null && val !== undefined).map(([k, val]) => `${k}=${String(val)}`) : [];
  return {
    command, env,
    ...(typeof x.user === 'string' ? { user: x.user } : {}),
    ...(x.privileged === true ? { privileged: true } : {}),
    ...(typeof x.working_dir === 'string' ? { workingDir: x.working_dir } : {}),
  };
}

/** Pure: whether a bind mount's source contains the watched path (sync would fight the mount). */
function boundByMount(hostPath: string, service: ServiceConfig): boolean {
  return (service.volumes ?? []).some((v) => v.type === 'bind' && v.source !== undefined && isWithin(v.source, hostPath));
}

/** Pure: `p` is `dir` or under it. */
export function isWithin(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Pure: the container path a host path maps to under a rule, or undefined when the rule does not take it
 * (outside the rule's path, not included, ignored, an editor temporary, under .git).
 */
export function mapPath(rule: WatchRule, hostPath: string): { hostPath: string; containerPath?: string } | undefined {
  if (!isWithin(rule.path, hostPath)) return undefined;
  if (rule.include && !rule.include.matches(hostPath)) return undefined;
  if (isEphemeral(hostPath) || isInDotGit(hostPath) || rule.ignore.some((m) => m.matches(hostPath))) return undefined;
  if (rule.target === undefined) return { hostPath };
  const rel = path.relative(rule.path, hostPath).split(path.sep).join('/');
  return { hostPath, containerPath: path.posix.join(rule.target, rel) };
}
