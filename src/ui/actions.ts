/**
 * Effects: a ui action runs the same reconcile plan the CLI command does (restart → planRestart through
 * runLifecycle, ...), for the selected container's service, with progress output silenced (the screen is
 * the ui's). What it would have printed is kept for the status line; a failure is returned, never thrown.
 */
import { Writable } from 'node:stream';
import type { CommandContext } from '../cli/command.js';
import { runLifecycle, type LifecycleRun } from '../cli/commands/lifecycle-run.js';
import { planPause, planRestart, planStart, planStop, planUnpause } from '../reconcile/plan-lifecycle.js';
import { ACTION_WORDS, type UiAction } from './keys.js';

export type ServiceAction = Extract<UiAction, { service: string }>;

/** Pure: the lifecycle run of an action, as src/cli/commands/{restart,stop,start,pause,unpause}.ts build it. */
export function planActionRun(a: ServiceAction): LifecycleRun {
  const services = [a.service];
  switch (a.kind) {
    case 'restart': return { title: 'Restarting', plan: (p, o) => planRestart(p, o, { services }) };
    case 'start': return { title: 'Starting', plan: (p, o) => planStart(p, o, { services }) };
    case 'stop': return { title: 'Stopping', withoutFile: true, plan: (p, o) => planStop(p, o, { services }) };
    case 'pause': return { title: 'Pausing', withoutFile: true, plan: (p, o) => planPause(p, o, { services }) };
    case 'unpause': return { title: 'Unpausing', withoutFile: true, plan: (p, o) => planUnpause(p, o, { services }) };
  }
}

/** Runs the action; resolves to the status line (`Restarted web` or `restart web: <error>`). */
export async function execUiAction(ctx: CommandContext, a: ServiceAction): Promise<{ ok: boolean; message: string }> {
  let said = '';
  const sink = new Writable({ write(chunk, _enc, done) { said += String(chunk); done(); } });
  const quiet: CommandContext = { ...ctx, args: [a.service], stdout: sink, stderr: sink, global: { ...ctx.global, progress: 'quiet', dryRun: false } };
  try {
    const code = await runLifecycle(quiet, planActionRun(a));
    if (code !== 0) return { ok: false, message: `${a.kind} ${a.service}: exit ${code}${lastLine(said)}` };
    return { ok: true, message: `${ACTION_WORDS[a.kind][1]} ${a.service}` };
  } catch (e) {
    return { ok: false, message: `${a.kind} ${a.service}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const lastLine = (s: string): string => {
  const l = s.trim().split('\n').pop();
  return l ? ` (${l})` : '';
};
