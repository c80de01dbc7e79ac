/**
 * docker's detach keys (`--detach-keys`, default `ctrl-p,ctrl-q`): a comma-separated sequence of `ctrl-<c>`
 * or single characters; typing the whole sequence detaches instead of reaching the container. A partial
 * match is held back and passed on as soon as the next key breaks it, as docker does. Pure.
 */
import { usageError } from '../errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** Pure: the key sequence as bytes; a bad one is a usage error naming it. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((raw) => {
    const k = raw.trim();
    if (k.length === 1) return k.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(k);
    if (m) {
      const c = m[1]!.toLowerCase();
      if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 96;
      const special = '@[\\]^_'.indexOf(c);
      if (special >= 0) return special === 0 ? 0 : 26 + special;
    }
    throw usageError(`invalid detach keys "${spec}": unknown key "${k}" (want ctrl-<a-z@[\\]^_> or one character, comma-separated)`);
  });
}

export interface DetachMatcher {
  /** The bytes to pass on now, and whether the sequence is complete (detach). */
  feed(chunk: Buffer): { pass: Buffer; detach: boolean };
}

export function createDetachMatcher(keys: number[]): DetachMatcher {
  let held: number[] = [];
  return {
    feed(chunk) {
      const out: number[] = [];
      for (const b of chunk) {
        if (b === keys[held.length]) {
          held.push(b);
          if (held.length === keys.length) return { pass: Buffer.from(out), detach: true };
          continue;
        }
        out.push(...held);
        held = [];
        if (b === keys[0]) held.push(b);
        else out.push(b);
        if (keys.length === 1 && held.length === 1) return { pass: Buffer.from(out), detach: true };
      }
      return { pass: Buffer.from(out), detach: false };
    },
  };
}
