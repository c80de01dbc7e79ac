/**
 * The `validate` stage: the merged tree against compose-spec/compose-spec.json (JSON Schema 2020-12).
 * The validator is pre-compiled (compose-spec/validator.mjs, made by generate-validator.mjs) because
 * compiling the schema with Ajv at start-up costs ~0.4 s. Ajv's errors are turned into one message
 * naming the most specific offending key, the way compose-go picks one error out of a oneOf.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import { isMap, pathText, type TreePath } from './canonical/context.js';

export interface SchemaError {
  path: TreePath;
  /** where to point in the file: the offending key itself for an unknown key, else path */
  locatePath: TreePath;
  /** e.g. `must be a string or number`, `additional properties 'foo' not allowed` */
  message: string;
}

interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

let validator: ValidateFn | undefined;

/** compose-spec/ sits at the package root: two levels above src/compose, three above dist/src/compose. */
function specDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'compose-spec', 'validator.mjs'))) return join(dir, 'compose-spec');
    dir = dirname(dir);
  }
  throw new Error('compose-spec/validator.mjs not found (run node compose-spec/generate-validator.mjs)');
}

export async function loadValidator(): Promise<ValidateFn> {
  if (!validator) {
    const mod = (await import(pathToFileURL(join(specDir(), 'validator.mjs')).href)) as { validate: ValidateFn };
    validator = mod.validate;
  }
  return validator;
}

/** JSON pointer → tree path, with list indexes as numbers (walking the data to know which is which). */
function pointerPath(pointer: string, data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) { out.push(Number(seg)); node = node[Number(seg)]; } else { out.push(seg); node = isMap(node) ? node[seg] : undefined; }
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', object: 'a mapping', array: 'a list', null: 'null' };

function describe(errs: AjvError[]): string {
  const e = errs[0]!;
  if (e.keyword === 'additionalProperties') return `additional properties '${String(e.params.additionalProperty)}' not allowed`;
  if (e.keyword === 'type') {
    const types = [...new Set(errs.filter((x) => x.keyword === 'type').flatMap((x) => String(x.params.type).split(',')))];
    const words = types.map((t) => TYPE_WORDS[t] ?? t);
    return `must be ${words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words[0]}`;
  }
  if (e.keyword === 'enum') return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'required') return `missing required property '${String(e.params.missingProperty)}'`;
  return e.message ?? `is invalid (${e.keyword})`;
}

const RANK: Record<string, number> = { additionalProperties: 0, required: 1, enum: 2, const: 2, pattern: 3, format: 3, minimum: 3, maximum: 3, type: 4 };

/** The most specific error: the deepest path, then the most telling keyword (compose-go's choice). */
export function pickError(errors: AjvError[], data: unknown): SchemaError {
  const concrete = errors.filter((e) => !['oneOf', 'anyOf', 'allOf', 'if', 'not', '$ref'].includes(e.keyword));
  const pool = concrete.length > 0 ? concrete : errors;
  const depth = (e: AjvError): number => (e.instancePath === '' ? 0 : e.instancePath.split('/').length - 1);
  const max = Math.max(...pool.map(depth));
  const deepest = pool.filter((e) => depth(e) === max).sort((a, b) => (RANK[a.keyword] ?? 5) - (RANK[b.keyword] ?? 5));
  const best = deepest[0]!;
  const sameKind = deepest.filter((e) => e.keyword === best.keyword && e.instancePath === best.instancePath);
  const path = pointerPath(best.instancePath, data);
  const locatePath = best.keyword === 'additionalProperties' ? [...path, String(best.params.additionalProperty)] : path;
  return { path, locatePath, message: describe(sameKind) };
}

/** Validates a plain tree; returns undefined or the one error to show. */
export async function validateTree(tree: unknown): Promise<SchemaError | undefined> {
  const validate = await loadValidator();
  if (validate(tree)) return undefined;
  return pickError(validate.errors ?? [], tree);
}

export function schemaError(err: SchemaError, where?: string): UserError {
  const at = err.path.length === 0 ? '(root)' : pathText(err.path);
  return new UserError('E_COMPOSE_SCHEMA', `${where ? `${where}: ` : ''}validating: ${at} ${err.message}`);
}
