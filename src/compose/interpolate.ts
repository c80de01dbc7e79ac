/**
 * Variable interpolation with compose-go's grammar: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?err},
 * ${VAR?err}, ${VAR:+alt}, ${VAR+alt}, nesting inside the argument, `$$` as an escaped `$`.
 *
 * compose-go does this with one regular expression whose greedy `(.*)` runs to the last `}` of the
 * line, then counts braces to find where the expression really ends and substitutes the remainder
 * separately. We scan by hand (no regex per string) but keep those observable quirks, because the
 * conformance vectors pin them (`${x:-{"json":1}}`, `{{{ ${FOO:-foo_} }}}`).
 */
import { UserError } from '../errors.js';

export type Lookup = (name: string) => string | undefined;

export type InterpolationErrorKind = 'invalid-template' | 'missing-required';

/** An interpolation failure; `template`/`variable`/`reason` let the tree walk reword it with a path. */
export class InterpolationError extends UserError {
  constructor(readonly kind: InterpolationErrorKind, message: string,
    readonly template: string, readonly variable = '', readonly reason = '') {
    super('E_INTERPOLATE', message);
  }
}

type Operator = ':-' | '-' | ':+' | '+' | ':?' | '?';

/** One `$…` expression found in a template. `end` is where scanning resumes. */
interface Token {
  kind: 'escaped' | 'named' | 'braced' | 'invalid';
  start: number;
  end: number;
  name: string;
  op?: Operator;
  arg?: string;
  /** Text after the expression's closing brace that the greedy match swallowed; substituted on its own. */
  rest?: string;
}

function isNameStart(c: number): boolean {
  return c === 95 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** The next expression at or after `from`, or undefined when the rest is literal text. */
function nextToken(t: string, from: number): Token | undefined {
  for (let i = t.indexOf('$', from); i >= 0; i = t.indexOf('$', i + 1)) {
    const c = t.charCodeAt(i + 1);
    if (c === 36) return { kind: 'escaped', start: i, end: i + 2, name: '' };
    if (isNameStart(c)) {
      let j = i + 2;
      while (j < t.length && isNameChar(t.charCodeAt(j))) j++;
      return { kind: 'named', start: i, end: j, name: t.slice(i + 1, j) };
    }
    if (c !== 123) continue; // a lone `$` is literal text
    return bracedToken(t, i);
  }
  return undefined;
}

function bracedToken(t: string, i: number): Token {
  const invalid: Token = { kind: 'invalid', start: i, end: i + 2, name: '' };
  let k = i + 2;
  if (!isNameStart(t.charCodeAt(k))) return invalid;
  while (k < t.length && isNameChar(t.charCodeAt(k))) k++;
  const name = t.slice(i + 2, k);
  if (t.charCodeAt(k) === 125) return { kind: 'braced', start: i, end: k + 1, name };
  let op: Operator;
  const c0 = t[k], c1 = t[k + 1];
  if (c0 === ':' && (c1 === '-' || c1 === '+' || c1 === '?')) op = (':' + c1) as Operator;
  else if (c0 === '-' || c0 === '+' || c0 === '?') op = c0;
  else return invalid;
  const argStart = k + op.length;
  // Greedy match: up to the last `}` before the end of the line.
  let lineEnd = t.indexOf('\n', argStart);
  if (lineEnd < 0) lineEnd = t.length;
  const lastBrace = t.lastIndexOf('}', lineEnd - 1);
  if (lastBrace < argStart) return invalid;
  let close = closingBrace(t, i, lastBrace);
  if (close < 0) close = lastBrace;
  return { kind: 'braced', start: i, end: lastBrace + 1, name, op, arg: t.slice(argStart, close),
    rest: t.slice(close + 1, lastBrace + 1) };
}

/** compose-go's brace counter: an opening brace also skips the character after it. */
function closingBrace(t: string, from: number, to: number): number {
  let open = 0;
  for (let p = from; p <= to; p++) {
    const c = t.charCodeAt(p);
    if (c === 125 && --open === 0) return p;
    if (c === 123) { open++; p++; }
  }
  return -1;
}

function substitute(t: string, lookup: Lookup, missing: string[]): string {
  let tok = nextToken(t, 0);
  if (!tok) return t;
  let out = '';
  let last = 0;
  while (tok) {
    out += t.slice(last, tok.start);
    switch (tok.kind) {
      case 'escaped': out += '$'; break;
      case 'invalid': throw new InterpolationError('invalid-template', `Invalid template: ${JSON.stringify(t)}`, t);
      case 'named': out += lookupOrWarn(tok.name, lookup, missing); break;
      case 'braced':
        out += tok.op === undefined
          ? lookupOrWarn(tok.name, lookup, missing)
          : applyOperator(tok.op, tok.name, tok.arg!, lookup, missing) + substitute(tok.rest!, lookup, missing);
        break;
    }
    last = tok.end;
    tok = nextToken(t, last);
  }
  return out + t.slice(last);
}

function lookupOrWarn(name: string, lookup: Lookup, missing: string[]): string {
  const v = lookup(name);
  if (v !== undefined) return v;
  if (!missing.includes(name)) missing.push(name);
  return '';
}

/** The argument is only interpolated when it is used, so an unused default never warns or fails. */
function applyOperator(op: Operator, name: string, arg: string, lookup: Lookup, missing: string[]): string {
  const v = lookup(name);
  const empty = v === undefined || v === '';
  switch (op) {
    case ':-': return empty ? substitute(arg, lookup, missing) : v!;
    case '-': return v === undefined ? substitute(arg, lookup, missing) : v;
    case ':+': return empty ? (v ?? '') : substitute(arg, lookup, missing);
    case '+': return v === undefined ? '' : substitute(arg, lookup, missing);
    case ':?': case '?':
      if (op === ':?' ? empty : v === undefined) {
        const reason = substitute(arg, lookup, missing);
        const msg = reason === '' ? `required variable ${name} is missing a value`
          : `required variable ${name} is missing a value: ${reason}`;
        throw new InterpolationError('missing-required', msg, arg, name, reason);
      }
      return v!;
  }
}

/**
 * Interpolates one string. `missing` lists the unset variables that fell back to an empty string
 * (each once): the loader warns about them.
 */
export function interpolate(template: string, lookup: Lookup): { value: string; missing: string[] } {
  const missing: string[] = [];
  return { value: substitute(template, lookup, missing), missing };
}

/** A cast applied to the interpolated string at a path; throw an Error with a short reason to reject. */
export type Cast = (value: string) => unknown;
export type TypeCast = Record<string, Cast | 'int' | 'float' | 'bool'>;

export { interpolateTree, extractVariables, COMPOSE_TYPE_CAST } from './interpolate-tree.js';
export type { VariableInfo } from './interpolate-tree.js';

/** For the tree walk and variable discovery: the tokens of one template, without substitution. */
export function scanTemplate(t: string, visit: (name: string, op: Operator | undefined, arg: string) => void): void {
  for (let tok = nextToken(t, 0); tok; tok = nextToken(t, tok.end)) {
    if (tok.kind === 'named') visit(tok.name, undefined, '');
    else if (tok.kind === 'braced') {
      visit(tok.name, tok.op, tok.arg ?? '');
      if (tok.rest) scanTemplate(tok.rest, visit);
    }
  }
}
