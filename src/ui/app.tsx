/**
 * The ui's screen: the containers' table (selection highlighted), the selected container's log tail, a status
 * line and the key footer. Everything it knows comes from a UiSource (the runtime in the command, fakes in
 * tests); every frame is at most rows-1 lines (planLayout), since Ink 6 clears the terminal on each frame
 * that fills it.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ACTION_WORDS, INITIAL_STATE, reduceKey, type UiAction, type UiState } from './keys.js';
import { followSelection, formatLogLines, planLayout, planLogPane, renderTable, type LogLine, type UiRow } from './view-model.js';
import { fit } from './format.js';

export interface UiSource {
  rows(): UiRow[];
  /** calls onLine with the last `tail` lines, then with each new one, until the signal aborts */
  followLogs(row: UiRow, tail: number, onLine: (l: LogLine) => void, signal: AbortSignal): Promise<void>;
  act(a: Extract<UiAction, { service: string }>): Promise<{ ok: boolean; message: string }>;
}

export interface AppProps {
  project: string;
  source: UiSource;
  size: { columns: number; rows: number };
  refreshMs?: number;
}

/** log lines kept for the pane (more than any terminal shows) */
const LOG_KEEP = 500;

export const FOOTER = 'q quit (containers keep running) · r restart · s stop/start · p pause · ? keys';
export const HELP = 'j/k move · f follow · t timestamps · r/s/p act on the selected service (all its replicas) · Ctrl-C quits too';

export function App({ project, source, size, refreshMs = 1000 }: AppProps) {
  const { exit } = useApp();
  const [rows, setRows] = useState<UiRow[]>([]);
  const [state, setState] = useState<UiState>(INITIAL_STATE);
  const [log, setLog] = useState<LogLine[]>([]);
  const [status, setStatusState] = useState({ text: '', error: false });
  const setStatus = (text: string, error = false): void => setStatusState({ text, error });
  const [busy, setBusy] = useState(false);
  // the latest values for the timer and the key handler, which outlive a render
  const live = useRef({ rows, state, busy });
  live.current = { rows, state, busy };

  const layout = planLayout(size.rows, rows.length, state.selected);
  const selected: UiRow | undefined = rows[state.selected];

  const refresh = useCallback(() => {
    try {
      const next = source.rows();
      setState((s) => ({ ...s, selected: followSelection(live.current.rows, next, s.selected) }));
      setRows(next);
    } catch (e) {
      setStatusState({ text: `reading containers: ${e instanceof Error ? e.message : String(e)}`, error: true });
    }
  }, [source]);

  useEffect(() => {
    refresh();
    const t = setInterval(refresh, refreshMs);
    return () => clearInterval(t);
  }, [refresh, refreshMs]);

  // the log pane: one follower per selected container fills a buffer; what is shown is published from it at
  // most every 100 ms while following (with follow off the pane stays as it is, apart from a new selection)
  const selectedId = selected?.id;
  const buffer = useRef<LogLine[]>([]);
  const shownFor = useRef<string | undefined>(undefined);
  const flushTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  const publish = useCallback((force: boolean) => {
    const id = live.current.rows[live.current.state.selected]?.id;
    if (!force && !live.current.state.follow && shownFor.current === id) return;
    shownFor.current = id;
    setLog(buffer.current.slice(-LOG_KEEP));
  }, []);
  useEffect(() => {
    buffer.current = [];
    shownFor.current = undefined;
    setLog([]);
    if (!selected) return;
    const stop = new AbortController();
    const push = (e: LogLine): void => {
      buffer.current.push(e);
      if (buffer.current.length > 2 * LOG_KEEP) buffer.current = buffer.current.slice(-LOG_KEEP);
      flushTimer.current ??= setTimeout(() => { flushTimer.current = undefined; publish(false); }, 100);
    };
    source.followLogs(selected, LOG_KEEP, push, stop.signal).catch((e: unknown) => {
      if (!stop.signal.aborted) push({ time: '', log: `(logs: ${e instanceof Error ? e.message : String(e)})` });
    });
    return () => {
      stop.abort();
      clearTimeout(flushTimer.current);
      flushTimer.current = undefined;
    };
  }, [selectedId, source]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { if (state.follow) publish(true); }, [state.follow, publish]);

  useInput((input, key) => {
    // keys typed fast (or sent together) arrive as one chunk: each one counts
    const keys = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
    for (const k of keys) onKey(k, key);
  });

  function onKey(input: string, key: Parameters<typeof reduceKey>[2]): void {
    const now = live.current;
    const { state: next, action } = reduceKey(now.state, input, key, now.rows);
    live.current = { ...now, state: next };
    setState(next);
    if (!action) return;
    if (action.kind === 'quit') { exit(); return; }
    if (action.kind === 'notice') { setStatus(action.message); return; }
    if (now.busy) { setStatus('an action is still running'); return; }
    live.current = { ...live.current, busy: true };
    setBusy(true);
    setStatus(`${ACTION_WORDS[action.kind][0]} ${action.service}…`);
    source.act(action).then((r) => {
      setStatus(r.message, !r.ok);
      setBusy(false);
      refresh();
    }, (e: unknown) => {
      setStatus(`${action.kind} ${action.service}: ${e instanceof Error ? e.message : String(e)}`, true);
      setBusy(false);
    });
  }

  const width = Math.max(10, size.columns);
  const table = renderTable(rows, width);
  const shown = rows.slice(layout.tableOffset, layout.tableOffset + layout.tableRows);
  const logTitle = selected ? `── logs ${selected.name} (follow ${state.follow ? 'on' : 'off'}, timestamps ${state.timestamps ? 'on' : 'off'})` : '── logs';
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">{fit(`tscompose ui — project ${project} — ${rows.length} container${rows.length === 1 ? '' : 's'}`, width)}</Text>
      <Text dimColor wrap="truncate">{table[0] ?? ' '}</Text>
      {layout.placeholder ? <Text wrap="truncate">(no containers)</Text> : null}
      {shown.map((r, i) => {
        const at = layout.tableOffset + i;
        return <Text key={r.id} inverse={at === state.selected} wrap="truncate">{table[at + 1]}</Text>;
      })}
      <Text dimColor wrap="truncate">{fit(logTitle, width)}</Text>
      {planLogPane(formatLogLines(log, state.timestamps), layout.logLines, width).map((l, i) => <Text key={i} wrap="truncate">{l === '' ? ' ' : l}</Text>)}
      <Text color={status.error && !state.help ? 'red' : undefined} wrap="truncate">{fit(state.help ? HELP : status.text || ' ', width)}</Text>
      <Text dimColor wrap="truncate">{fit(FOOTER, width)}</Text>
    </Box>
  );
}
