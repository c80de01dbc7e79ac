/**
 * The executor: walks a Plan's steps, each as soon as the steps it depends on finished, up to `parallel` at
 * once (-1: unlimited), and reports each as a progress event. It decides nothing: what to do is the plan's,
 * how to do one step is the `run` callback's (exec-steps.ts). A failed step stops new steps from starting;
 * running ones finish; then the first failure is thrown naming its resource, and what already started keeps
 * running, as docker compose leaves it.
 */
import { done, failed, working, type ProgressEvent } from '../progress/events.js';
import type { Plan, Step, StepOp } from './plan-model.js';

/** docker compose's progress words per operation: while working, once done. */
export const STEP_TEXT: Record<StepOp, [string, string]> = {
  'create-network': ['Creating', 'Created'],
  'remove-network': ['Removing', 'Removed'],
  'create-volume': ['Creating', 'Created'],
  'remove-volume': ['Removing', 'Removed'],
  pull: ['Pulling', 'Pulled'],
  'remove-image': ['Removing', 'Removed'],
  'create-container': ['Creating', 'Created'],
  'recreate-container': ['Recreate', 'Recreated'],
  'start-container': ['Starting', 'Started'],
  'stop-container': ['Stopping', 'Stopped'],
  'restart-container': ['Restarting', 'Restarted'],
  'kill-container': ['Killing', 'Killed'],
  'remove-container': ['Removing', 'Removed'],
  'pause-container': ['Pausing', 'Paused'],
  'unpause-container': ['Unpausing', 'Unpaused'],
};

export class StepError extends Error {
  readonly userFacing = true as const;
  readonly code: string;
  readonly hint?: string;
  readonly exitCode = 1;
  constructor(readonly step: Step, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    // runtime messages already name the container; prefix only when they do not
    super(msg.includes(step.resource.split(' ').slice(1).join(' ')) ? msg : `${step.resource}: ${msg}`, { cause });
    this.code = (cause as { code?: string }).code ?? 'E_STEP';
    this.hint = (cause as { hint?: string }).hint;
  }
}

export interface ExecuteOptions {
  parallel: number;
  emit: (e: ProgressEvent) => void;
  /** --dry-run: report the steps as done without running them */
  dryRun?: boolean;
  /** what a step waits for before it is reported as working (depends_on conditions) */
  before?: (step: Step) => Promise<void>;
}

export async function executePlan(plan: Plan, run: (step: Step) => Promise<void>, o: ExecuteOptions): Promise<void> {
  const pending = new Map(plan.steps.map((s) => [s.id, new Set(s.dependsOn)]));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const limit = o.parallel > 0 ? o.parallel : Infinity;
  let running = 0;
  let failure: StepError | undefined;

  const visit = async (s: Step): Promise<void> => {
    const [doing, did] = STEP_TEXT[s.op];
    try {
      if (!o.dryRun) await o.before?.(s);
      o.emit(working(s.resource, doing));
      if (!o.dryRun) await run(s);
    } catch (e) {
      o.emit(failed(s.resource, 'Error', e instanceof Error ? e.message : String(e)));
      throw e;
    }
    o.emit(done(s.resource, did));
  };

  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (failure) {
        if (running === 0) reject(failure);
        return;
      }
      if (pending.size === 0 && running === 0) return resolve();
      for (const [id, waits] of [...pending]) {
        if (running >= limit) break;
        if (waits.size > 0) continue;
        pending.delete(id);
        running++;
        const step = byId.get(id)!;
        visit(step).then(
          () => { running--; for (const w of pending.values()) w.delete(id); pump(); },
          (e: unknown) => { running--; failure ??= new StepError(step, e); pump(); },
        );
      }
    };
    pump();
  });
}
