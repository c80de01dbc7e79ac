/**
 * What a normaliser knows about where it runs: the tree path of the value (for messages like
 * `services.web.ports[1]`) and a sink for warnings. Normalisers are pure functions of (value, ctx).
 */
import { UserError } from '../../errors.js';

export type TreePath = ReadonlyArray<string | number>;

export interface CanonContext {
  path: TreePath;
  warn: (message: string) => void;
}

export type Normaliser = (value: unknown, ctx: CanonContext) => unknown;

/** `services.web.ports[1]`: dots between keys, brackets for list indexes. */
export function pathText(path: TreePath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** A bad value at a known tree path; the loader adds file:line:col from the path. */
export class InvalidValueError extends UserError {
  constructor(readonly path: TreePath, readonly detail: string) {
    super('E_COMPOSE_INVALID', `${pathText(path)}: ${detail}`);
  }
}

export function invalid(ctx: { path: TreePath }, message: string): InvalidValueError {
  return new InvalidValueError([...ctx.path], message);
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function child(ctx: CanonContext, key: string | number): CanonContext {
  return { path: [...ctx.path, key], warn: ctx.warn };
}

/** Scalars as the string Compose stores them (numbers and booleans in mappings of strings). */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** A string becomes a one-element list; lists stay (used by dns, tmpfs, label_file, ...). */
export const stringToList: Normaliser = (v) => (typeof v === 'string' ? [v] : v);

/** List entries as strings (expose: [80, "443/tcp"]). */
export const listOfStrings: Normaliser = (v) => (Array.isArray(v) ? v.map((x) => (x === null ? x : scalarText(x))) : v);

/** A mapping whose values are stored as strings (sysctls, driver_opts, logging options). */
export const mapOfStrings: Normaliser = (v) => {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x === null || x === undefined ? x : scalarText(x);
  return out;
};
