/**
 * Docker's word processing for the instructions it substitutes (FROM, ARG, ENV, LABEL, COPY, ADD,
 * WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL): quote removal, the escape character, and `$VAR`,
 * `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR?msg}`.
 * Single quotes keep everything literal; inside double quotes the escape character only escapes
 * `"`, `$` and itself. Unset variables expand to nothing. Pure.
 */

export type Vars = ReadonlyMap<string, string>;

export class SubstitutionError extends Error {}

interface Word { text: string; started: boolean }

/** One word: quotes removed, variables expanded, whitespace kept (ENV/LABEL values, WORKDIR, USER). */
export function expandWord(text: string, vars: Vars, escape = '\\'): string {
  return scan(text, vars, escape, false).join('');
}

/** Whitespace-separated words; an unquoted expansion is split as well (COPY sources, EXPOSE, VOLUME). */
export function expandWords(text: string, vars: Vars, escape = '\\'): string[] {
  return scan(text, vars, escape, true);
}

function scan(text: string, vars: Vars, escape: string, split: boolean): string[] {
  const words: string[] = [];
  let w: Word = { text: '', started: false };
  const flush = () => { if (w.started) words.push(w.text); w = { text: '', started: false }; };
  const add = (s: string) => { w.text += s; w.started = true; };
  const addUnquoted = (s: string) => {
    if (!split) return add(s);
    const parts = s.split(/[ \t\r\n]+/);
    parts.forEach((p, k) => {
      if (k > 0) flush();
      if (p !== '') add(p);
    });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (split && /\s/.test(c)) { flush(); i++; continue; }
    if (c === escape) {
      if (i + 1 < text.length) add(text[i + 1]!);
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SubstitutionError('unexpected end of statement while looking for matching single-quote');
      add(text.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (c === '"') {
      w.started = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new SubstitutionError('unexpected end of statement while looking for matching double-quote');
        const d = text[i]!;
        if (d === '"') { i++; break; }
        if (d === escape && i + 1 < text.length && ['"', '$', escape].includes(text[i + 1]!)) { add(text[i + 1]!); i += 2; continue; }
        if (d === '$') { const r = readVar(text, i, vars, escape); add(r.value); i = r.end; continue; }
        add(d);
        i++;
      }
      continue;
    }
    if (c === '$') {
      const r = readVar(text, i, vars, escape);
      if (r.literal) add(r.value);
      else addUnquoted(r.value);
      i = r.end;
      continue;
    }
    add(c);
    i++;
  }
  flush();
  return words;
}

/** Reads `$...` at text[i]; `literal` when the dollar is just a dollar. */
function readVar(text: string, i: number, vars: Vars, escape: string): { value: string; end: number; literal?: boolean } {
  const next = text[i + 1];
  if (next === '{') {
    const close = matchingBrace(text, i + 2);
    if (close < 0) throw new SubstitutionError(`missing '}' in ${text.slice(i)}`);
    const inner = text.slice(i + 2, close);
    return { value: expandBraced(inner, vars, escape), end: close + 1 };
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(text.slice(i + 1));
  if (!m) return { value: '$', end: i + 1, literal: true };
  return { value: vars.get(m[0]) ?? '', end: i + 1 + m[0].length };
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let k = from; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) return k;
  }
  return -1;
}

function expandBraced(inner: string, vars: Vars, escape: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(inner);
  if (!m) throw new SubstitutionError(`bad substitution: \${${inner}}`);
  const [, name, op, word = ''] = m;
  const value = vars.get(name!);
  if (!op) return value ?? '';
  const colon = op.startsWith(':');
  const set = colon ? value !== undefined && value !== '' : value !== undefined;
  const kind = op.slice(-1);
  const expanded = () => expandWord(word, vars, escape);
  if (kind === '-') return set ? value! : expanded();
  if (kind === '+') return set ? expanded() : '';
  if (!set) throw new SubstitutionError(`${name}: ${word === '' ? 'is not allowed to be unset' : expanded()}`);
  return value!;
}

/**
 * Splits `key=value key2="v 2"` pairs (ENV, LABEL) on unquoted whitespace, keeping quotes for
 * expandWord to remove; docker's legacy `ENV key value with spaces` form when the first word has no `=`.
 */
export function splitPairs(text: string, escape = '\\'): Array<{ key: string; value: string }> | { legacyKey: string; value: string } {
  const words = rawWords(text, escape);
  if (words.length > 0 && !words[0]!.includes('=')) {
    const key = words[0]!;
    return { legacyKey: key, value: text.trim().slice(key.length).trim() };
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new SubstitutionError(`expected key=value, got "${w}"`);
    return { key: w.slice(0, eq), value: w.slice(eq + 1) };
  });
}

/** Whitespace split that respects quotes and escapes but keeps them in the words. */
export function rawWords(text: string, escape = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === escape && quote !== "'" && i + 1 < text.length) { cur += c + text[++i]; continue; }
    if (quote) { if (c === quote) quote = ''; cur += c; continue; }
    if (c === '"' || c === "'") { quote = c; cur += c; continue; }
    if (/\s/.test(c)) { if (cur !== '') out.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (quote) throw new SubstitutionError(`unexpected end of statement while looking for matching ${quote === '"' ? 'double' : 'single'}-quote`);
  if (cur !== '') out.push(cur);
  return out;
}
