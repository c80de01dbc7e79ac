/**
 * Effects: the facts the ui shows, read from the runtime each refresh — the project's containers, their
 * published ports (from the network endpoints, as `ps` reads them) and the selected container's log tail
 * (through src/logs' follower, the same one `logs -f --tail N` uses).
 */
import { listContainers, listNetworks, type PublishedPort } from '../../runtime/index.js';
import { streamLogs } from '../logs/log-stream.js';
import type { LogContainer } from '../logs/log-select.js';
import { planRows, type LogLine, type UiRow } from './view-model.js';

const PROJECT = 'com.docker.compose.project';

export function collectRows(scope: { project: string; services: string[] }): UiRow[] {
  const networks = listNetworks();
  const portsOf = (id: string): PublishedPort[] => networks.flatMap((n) => n.endpoints[id]?.ports ?? []);
  return planRows(listContainers({ labels: [`${PROJECT}=${scope.project}`], all: true }), scope, portsOf, Date.now());
}

/**
 * Follows one container's log: its last `tail` lines, then each new one, also across a stop and start (the
 * reader resumes after the last line it passed on), until the signal aborts or the container is removed.
 */
export function followLogTail(project: string, c: LogContainer, tail: number, onLine: (l: LogLine) => void, signal: AbortSignal): Promise<void> {
  return streamLogs({ scope: { project, services: [c.service], index: c.number }, initial: [c], tail, follow: true, signal }, {
    line: (from, e) => { if (from.id === c.id) onLine({ time: e.time, log: e.log }); },
  });
}
