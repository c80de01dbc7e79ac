/** quiet: nothing. */
import type { Renderer } from './events.js';

export function quietRenderer(): Renderer {
  return { start() {}, event() {}, stop() {} };
}
