/** Picks the renderer for --progress / --ansi, as docker compose does (auto → tty only when stderr is a terminal). */
import type { Renderer } from './events.js';
import { plainRenderer } from './plain.js';
import { jsonRenderer } from './json.js';
import { quietRenderer } from './quiet.js';
import { ttyRenderer } from './tty.js';
import { usageError } from '../errors.js';

export type Mode = 'tty' | 'plain' | 'json' | 'quiet';

/** Pure: the effective mode. */
export function progressMode(progress: string, ansi: string, stderrIsTTY: boolean): Mode {
  if (progress === 'plain' && ansi === 'always') throw usageError("can't use --progress plain while ANSI support is forced (--ansi always)");
  if (progress === 'none') return 'quiet';
  if (progress === 'auto') return ansi === 'never' || !stderrIsTTY ? 'plain' : 'tty';
  if (progress === 'tty' && ansi === 'never') return 'plain';
  return progress as Mode;
}

export function createRenderer(mode: Mode, stderr: NodeJS.WritableStream, opts: { dryRun?: boolean; color?: boolean } = {}): Renderer {
  switch (mode) {
    case 'tty': return ttyRenderer(stderr as NodeJS.WriteStream, { color: opts.color ?? true });
    case 'json': return jsonRenderer(stderr, opts);
    case 'quiet': return quietRenderer();
    default: return plainRenderer(stderr, opts);
  }
}
