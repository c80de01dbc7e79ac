/** json: one object per line, docker compose's field names. */
import type { ProgressEvent, Renderer } from './events.js';

export function jsonRenderer(out: NodeJS.WritableStream, opts: { dryRun?: boolean } = {}): Renderer {
  return {
    start() {},
    event(e: ProgressEvent) {
      const o: Record<string, unknown> = { id: e.id };
      if (e.parentId) o.parent_id = e.parentId;
      o.status = e.status;
      o.text = e.text;
      if (e.details) o.details = e.details;
      if (e.current !== undefined) o.current = e.current;
      if (e.total !== undefined) o.total = e.total;
      if (e.percent !== undefined) o.percent = e.percent;
      if (opts.dryRun) o['dry-run'] = true;
      out.write(`${JSON.stringify(o)}\n`);
    },
    stop() {},
  };
}

/** In json mode, errors are printed as objects too. */
export function jsonError(message: string): string {
  return `${JSON.stringify({ error: true, message })}\n`;
}
