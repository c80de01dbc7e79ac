/**
 * Pure: a key press and the ui's state give the next state and what to do. Actions act on the selected
 * row's service; the toggles (`s`, `p`) pick their direction from that row's state. Quitting never stops
 * anything: the ui only watches.
 */

export interface UiState {
  selected: number;
  /** the log pane follows new lines */
  follow: boolean;
  timestamps: boolean;
  help: boolean;
}

export type UiAction =
  | { kind: 'restart' | 'stop' | 'start' | 'pause' | 'unpause'; service: string; container: string }
  | { kind: 'quit' }
  /** a key that cannot act now: shown in the status line */
  | { kind: 'notice'; message: string };

/** The subset of Ink's key flags the reducer reads. */
export interface KeyFlags { upArrow?: boolean; downArrow?: boolean; ctrl?: boolean; escape?: boolean }

export const INITIAL_STATE: UiState = { selected: 0, follow: true, timestamps: false, help: false };

export function reduceKey(state: UiState, input: string, key: KeyFlags, rows: Array<{ name: string; service: string; status: string }>): { state: UiState; action?: UiAction } {
  if (input === 'q' || (key.ctrl === true && input === 'c')) return { state, action: { kind: 'quit' } };
  if (key.downArrow || input === 'j') return { state: { ...state, selected: Math.min(state.selected + 1, Math.max(0, rows.length - 1)) } };
  if (key.upArrow || input === 'k') return { state: { ...state, selected: Math.max(0, state.selected - 1) } };
  if (input === 'f') return { state: { ...state, follow: !state.follow } };
  if (input === 't') return { state: { ...state, timestamps: !state.timestamps } };
  if (input === '?') return { state: { ...state, help: !state.help } };
  if (input !== 'r' && input !== 's' && input !== 'p') return { state };
  const row = rows[state.selected];
  if (!row) return { state, action: { kind: 'notice', message: 'no container selected' } };
  const target = { service: row.service, container: row.name };
  const live = row.status === 'running' || row.status === 'restarting' || row.status === 'paused';
  if (input === 'r') return { state, action: { kind: 'restart', ...target } };
  if (input === 's') return { state, action: { kind: live ? 'stop' : 'start', ...target } };
  if (row.status === 'paused') return { state, action: { kind: 'unpause', ...target } };
  if (row.status === 'running') return { state, action: { kind: 'pause', ...target } };
  return { state, action: { kind: 'notice', message: `${row.name} is not running: nothing to pause` } };
}

/** The status line while an action runs and after it ended. */
export const ACTION_WORDS: Record<'restart' | 'stop' | 'start' | 'pause' | 'unpause', [string, string]> = {
  restart: ['Restarting', 'Restarted'],
  stop: ['Stopping', 'Stopped'],
  start: ['Starting', 'Started'],
  pause: ['Pausing', 'Paused'],
  unpause: ['Unpausing', 'Unpaused'],
};
