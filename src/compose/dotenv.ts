/**
 * `.env` files with compose-go's dotenv semantics: `KEY=value` or `KEY: value`, optional `export `,
 * comments (whole line, or ` #` after an unquoted value), single quotes (literal, `\'` escapes the
 * quote), double quotes (shell escapes, then interpolation), multi-line quoted values, `KEY` alone
 * inherits from the lookup, a UTF-8 BOM is skipped. While expanding `${VAR}`, the lookup wins over
 * keys defined earlier in the file(s).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { interpolate, type Lookup } from './interpolate.js';

export type { Lookup } from './interpolate.js';

/** Escapes double-quoted values understand; anything else keeps its backslash. */
const ESCAPE_RE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const OCTAL3_RE = /^[0-3][0-7]{2}$/;
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', c: '\\c', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\', $: '$$',
};
const DIGIT_START_RE = /^\s*\d/;
const EXPORT_RE = /^export\s/;
const TRAILING_SPACE_RE = /\s+$/u;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\x85' || c === '\xa0';
}
function isUnicodeSpace(c: string): boolean {
  return isSpace(c) || c === '\n' || c === '\u1680' || c === '\u2028' || c === '\u2029' || c === '\u3000'
    || (c >= '\u2000' && c <= '\u200a') || c === '\u202f' || c === '\u205f';
}
const LETTER_OR_NUMBER_RE = /[\p{L}\p{N}]/u;

function expandEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(ESCAPE_RE, (m) => {
    const c = m[1]!;
    // `\0oo…` is an octal escape (Go's `\ooo` with a leading 0); `\$` becomes `$$` so it stays literal.
    if (c === '0') return OCTAL3_RE.test(m.slice(2)) ? String.fromCharCode(Number.parseInt(m.slice(2), 8)) : m;
    return c === 'c' ? m : SIMPLE_ESCAPES[c]!;
  });
}

class Parser {
  line = 1;
  constructor(readonly src: string, readonly out: Record<string, string>, readonly lookup: Lookup,
    readonly file: string | undefined) {}

  fail(msg: string): never {
    const where = `line ${this.line}: ${msg}`;
    throw new UserError('E_DOTENV', this.file ? `failed to read ${this.file}: ${where}` : where);
  }

  /** Index of the next statement at or after `i`, skipping blank and comment lines; -1 at the end. */
  statementStart(i: number): number {
    const s = this.src;
    for (;;) {
      while (i < s.length && isUnicodeSpace(s[i]!)) { if (s[i] === '\n') this.line++; i++; }
      if (i >= s.length) return -1;
      if (s[i] !== '#') return i;
      const nl = s.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl;
    }
  }

  parse(): void {
    const s = this.src;
    let i = this.statementStart(0);
    while (i >= 0) {
      if (EXPORT_RE.test(s.slice(i, i + 7))) {
        i += 6;
        while (i < s.length && isSpace(s[i]!)) i++;
      }
      // The key runs to `=`, `:` or the end of the line (a key alone inherits its value).
      let j = i;
      let stop = '';
      for (; j < s.length; j++) {
        const c = s[j]!;
        if (isSpace(c)) continue;
        if (c === '=' || c === ':' || c === '\n') { stop = c; break; }
        if (c === '_' || c === '.' || c === '-' || c === '[' || c === ']') continue;
        // Letters and digits of any script, astral ones included (two UTF-16 units).
        const ch = String.fromCodePoint(s.codePointAt(j)!);
        if (LETTER_OR_NUMBER_RE.test(ch)) { j += ch.length - 1; continue; }
        this.fail(`unexpected character ${JSON.stringify(ch)} in variable name ${JSON.stringify(s.slice(i).split('\n')[0])}`);
      }
      const rawKey = s.slice(i, j);
      const key = rawKey.replace(TRAILING_SPACE_RE, '');
      if (key.includes(' ')) this.fail('key cannot contain a space');
      if (key === '__proto__') this.fail('variable name "__proto__" is not supported');
      const inherited = stop === '\n' || stop === '';
      if (inherited) {
        this.line++;
        const v = this.lookup(key);
        if (v !== undefined) this.out[key] = v;
        i = stop === '' ? -1 : this.statementStart(j + 1);
        continue;
      }
      let k = j + 1;
      while (k < s.length && isSpace(s[k]!)) k++;
      i = this.value(key, k);
      if (i >= 0) i = this.statementStart(i);
    }
  }

  /** Reads the value starting at `i` into out[key]; returns where parsing continues (-1 at the end). */
  value(key: string, i: number): number {
    const s = this.src;
    const q = s[i];
    if (q !== '"' && q !== "'") {
      const nl = s.indexOf('\n', i);
      let v = nl < 0 ? s.slice(i) : s.slice(i, nl);
      this.line++;
      const hash = v.indexOf(' #');
      if (hash >= 0) v = v.slice(0, hash);
      this.out[key] = this.expand(v.replace(TRAILING_SPACE_RE, ''));
      return nl < 0 ? -1 : nl + 1;
    }
    let chars = '';
    let escaped = false;
    const startLine = this.line;
    for (let p = i + 1; p < s.length; p++) {
      const c = s[p]!;
      if (c === '\n') this.line++;
      if (c !== q) {
        if (!escaped && c === '\\') { escaped = true; continue; }
        if (escaped) { escaped = false; chars += '\\'; }
        chars += c;
        continue;
      }
      if (escaped) { escaped = false; chars += c; continue; }
      this.out[key] = q === '"' ? this.expand(expandEscapes(chars)) : chars;
      return p + 1;
    }
    this.line = startLine;
    const nl = s.indexOf('\n', i);
    return this.fail(`unterminated quoted value ${nl < 0 ? s.slice(i) : s.slice(i, nl)}`);
  }

  expand(v: string): string {
    if (!v.includes('$')) return v;
    try {
      return interpolate(v, (name) => this.lookup(name) ?? this.out[name]).value;
    } catch (e) {
      return this.fail(e instanceof Error ? e.message : String(e));
    }
  }
}

/** Parses env-file text; `lookup` answers key-only lines and `${VAR}` before earlier keys do. */
export function parseDotenv(text: string, lookup: Lookup, file?: string): Record<string, string> {
  return parseDotenvInto({}, text, lookup, file);
}

function parseDotenvInto(out: Record<string, string>, text: string, lookup: Lookup, file?: string): Record<string, string> {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  new Parser(src, out, lookup, file).parse();
  return out;
}

/**
 * Reads env files in order into one map (later files win; a later file's `${VAR}` sees the lookup
 * first, then what earlier files and lines defined), as compose-go's GetEnvFromFile does. A missing
 * file or a directory is an error naming it. `dropDigitKeys` mimics godotenv's Read, which skips keys
 * starting with a digit.
 */
export function readEnvFiles(paths: string[], lookup: Lookup, opts: { dropDigitKeys?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError('E_DOTENV', `couldn't find env file: ${path}`);
      if (code === 'EISDIR') throw new UserError('E_DOTENV', `${path} is a directory`);
      throw new UserError('E_DOTENV', `couldn't read env file: ${path}: ${code ?? String(e)}`);
    }
    // One shared map: a later file's `${VAR}` sees the latest value read so far.
    parseDotenvInto(out, text, lookup, path);
  }
  if (opts.dropDigitKeys) for (const k of Object.keys(out)) if (DIGIT_START_RE.test(k)) delete out[k];
  return out;
}
