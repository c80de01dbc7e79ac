/**
 * In-tree markers for the `!reset` and `!override` YAML tags. They live in the plain tree from
 * parsing until the merge stage consumes them (see merge.ts `stripMarkers` for a single file).
 *  - `!reset` replaces its value by the RESET symbol: "drop whatever earlier files said here".
 *  - `!override` wraps its value in an Override: "replace, do not merge, what earlier files said".
 */
export const RESET: unique symbol = Symbol.for('compose.reset') as never;
export const OVERRIDE: unique symbol = Symbol.for('compose.override') as never;

export class Override {
  readonly [OVERRIDE] = true;
  constructor(readonly value: unknown) {}
}

export function isReset(v: unknown): v is typeof RESET {
  return v === RESET;
}

export function isOverride(v: unknown): v is Override {
  return v instanceof Override;
}

/** The value under an `!override` tag, or the value itself. */
export function overrideValue(v: unknown): unknown {
  return v instanceof Override ? v.value : v;
}
