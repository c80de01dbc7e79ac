/** tty: a live frame redrawn every 100 ms on stderr (cursor hidden while drawing, restored on stop). */
import type { ProgressEvent, Renderer } from './events.js';
import { renderFrame, type Task } from './tty-frame.js';

export function ttyRenderer(out: NodeJS.WriteStream, opts: { color: boolean }): Renderer {
  const tasks = new Map<string, Task>();
  let operation = 'Running';
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    const lines = renderFrame([...tasks.values()], { operation, nowMs: Date.now(), width: out.columns || 80, rows: out.rows || 24, color: opts.color });
    let s = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const l of lines) s += `\r\x1b[2K${l}\n`;
    out.write(s);
    drawn = lines.length;
  };

  return {
    start(op: string) {
      operation = op;
      out.write('\x1b[?25l');
      timer = setInterval(draw, 100);
      timer.unref();
    },
    event(e: ProgressEvent) {
      const now = Date.now();
      if (e.parentId) {
        const parent = tasks.get(e.parentId);
        if (parent) parent.children.set(e.id, e);
        return;
      }
      const t = tasks.get(e.id);
      if (!t) tasks.set(e.id, { event: e, startedMs: now, endedMs: e.status === 'Working' ? undefined : now, children: new Map() });
      else {
        t.event = e;
        t.endedMs = e.status === 'Working' ? undefined : now;
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      if (tasks.size > 0) draw();
      out.write('\x1b[?25h');
    },
  };
}
