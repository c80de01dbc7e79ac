/** plain: one line per event, no colour (` Container demo-web-1 Started`). */
import type { ProgressEvent, Renderer } from './events.js';

export function plainRenderer(out: NodeJS.WritableStream, opts: { dryRun?: boolean } = {}): Renderer {
  const prefix = opts.dryRun ? 'DRY-RUN MODE - ' : '';
  return {
    start() {},
    event(e: ProgressEvent) {
      if (e.parentId) return; // child tasks (layers) are folded into their parent, as docker compose does
      out.write(`${prefix} ${e.id} ${e.text}${e.details ? ` ${e.details}` : ''}\n`);
    },
    stop() {},
  };
}
