/**
 * Which containers a project's logs come from, as docker compose selects them: the project's replicas (no
 * one-off or hook containers) of the named services (all services when none is named), or with --index the one
 * replica of that number; ordered by service then replica number.
 */
import { listContainers, type ContainerSummary } from '../../runtime/index.js';
import { UserError } from '../errors.js';
import { displayName } from './log-format.js';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';
const NUMBER = 'com.docker.compose.container-number';
const ONEOFF = 'com.docker.compose.oneoff';
/** a pre_start hook container kept after its failure: not one of the service's replicas */
const HOOK = 'com.docker.compose.hook';

export interface LogScope {
  project: string;
  /** empty: every service */
  services: string[];
  /** a replica number (with exactly one service) */
  index?: number;
}

export interface LogContainer {
  id: string;
  /** as logs show it: `web-1` */
  name: string;
  service: string;
  number: number;
  summary: ContainerSummary;
}

/** Pure: the summaries in scope, ordered by service then number. */
export function planLogContainers(all: ContainerSummary[], scope: LogScope): LogContainer[] {
  return all
    .filter((c) => c.labels[PROJECT] === scope.project && c.labels[ONEOFF] !== 'True' && c.labels[HOOK] === undefined)
    .filter((c) => scope.services.length === 0 || scope.services.includes(c.labels[SERVICE] ?? ''))
    .map((c) => ({ id: c.id, name: displayName(c.name, c.labels), service: c.labels[SERVICE] ?? '', number: Number(c.labels[NUMBER] ?? 0), summary: c }))
    .filter((c) => scope.index === undefined || c.number === scope.index)
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number || a.name.localeCompare(b.name));
}

export function collectLogContainers(scope: LogScope): LogContainer[] {
  return planLogContainers(listContainers({ labels: [`${PROJECT}=${scope.project}`], all: true }), scope);
}

/** --index N names a replica that must exist (docker compose: "service "web" is not running container #2"). */
export function checkIndex(found: LogContainer[], scope: LogScope): void {
  if (scope.index !== undefined && found.length === 0) {
    throw new UserError('E_NO_CONTAINER', `service "${scope.services[0] ?? ''}" is not running container #${scope.index}`);
  }
}

/** Pure: exited for good (no restart follows) as the summary tells it. */
export const hasExited = (c: ContainerSummary): boolean => c.status === 'exited' || c.status === 'dead';
