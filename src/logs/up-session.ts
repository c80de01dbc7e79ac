/**
 * Attached `up` after the containers are started: `Attaching to …`, the attached services' logs, a status
 * line per exit, the --abort-on-container-exit/--exit-code-from cascade, and Ctrl-C (a graceful stop; a
 * second one kills). Returns the exit code once every watched container has exited for good.
 */
import type { LogFormatter } from './log-format.js';
import { hasExited, type LogContainer } from './log-select.js';
import { streamLogs, type TrackedContainer } from './log-stream.js';
import { formatNanos, fixedStamp } from './log-time.js';
import { planOnExit, type ExitState, type OnExit } from './up-attach.js';

export interface UpSessionOptions {
  project: string;
  attach: string[];
  watch: string[];
  /** RFC3339Nano: entries before this are from before this `up` */
  since: string;
  onExit: OnExit;
  exitCodeFrom?: string;
  timestamps: boolean;
  fmt: LogFormatter;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** a graceful stop of what up started (Ctrl-C, or the cascade) */
  stopAll(): Promise<void>;
  /** the second Ctrl-C */
  killAll(): Promise<void>;
  /** tests: the container list poll (ms) */
  pollMs?: number;
}

/** Pure: every watched container has exited for good and its reader has drained. */
export function planSessionDone(tracked: TrackedContainer[], watch: string[]): boolean {
  return tracked.filter((t) => watch.includes(t.container.service)).every((t) => !t.following && hasExited(t.container.summary));
}

/** Pure: `Attaching to a-1, b-1`. */
export const formatAttaching = (names: string[]): string => `Attaching to ${names.join(', ')}\n`;

export async function runUpSession(o: UpSessionOptions, initial: LogContainer[]): Promise<number> {
  const services = [...new Set([...o.attach, ...o.watch])];
  const attached = initial.filter((c) => o.attach.includes(c.service));
  for (const c of attached) o.fmt.register(c.name);
  o.stdout.write(formatAttaching(attached.map((c) => c.name)));

  let state: ExitState = { exitCode: 0, aborting: false, captured: false };
  let interrupts = 0;
  const actions: Array<Promise<void>> = [];
  const failures: unknown[] = [];
  const act = (p: Promise<void>): void => void actions.push(p.catch((e) => { failures.push(e); }));
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      o.stderr.write('Gracefully Stopping... press Ctrl+C again to force\n');
      act(o.stopAll());
    } else if (interrupts === 2) {
      act(o.killAll());
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await streamLogs({
      scope: { project: o.project, services }, initial: initial.filter((c) => services.includes(c.service)), since: o.since, follow: true, pollMs: o.pollMs, initialLive: true,
      isDone: (tracked) => planSessionDone(tracked, o.watch),
    }, {
      line: (c, e) => {
        if (!o.attach.includes(c.service)) return;
        o.stdout.write(o.fmt.formatLines(c.name, e.log, o.timestamps ? fixedStamp(formatNanos(BigInt(Date.now()) * 1_000_000n)) : undefined));
      },
      exited: (e) => {
        if (o.watch.includes(e.container.service) || o.attach.includes(e.container.service)) {
          o.stdout.write(o.fmt.formatStatus(e.container.name, `exited with code ${e.exitCode}${e.restarting ? ' (restarting)' : ''}`));
        }
        const d = planOnExit(state, { service: e.container.service, exitCode: e.exitCode }, o);
        state = d.state;
        if (d.abort && interrupts === 0) {
          o.stderr.write('Aborting on container exit...\n');
          act(o.stopAll());
        }
      },
    });
    await Promise.all(actions);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (failures.length > 0) throw failures[0];
  if (state.exitCode !== 0) return state.exitCode;
  return interrupts > 0 ? 130 : 0;
}
