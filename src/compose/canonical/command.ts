/**
 * command, entrypoint, healthcheck.test and hook commands. A string is split the way a POSIX shell
 * splits words (quotes, backslashes), not run through a shell, as docker compose does.
 */
import { invalid, type CanonContext, type Normaliser } from './context.js';

export function splitShellWords(text: string, ctx: CanonContext): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) { cur += text[++i]; inWord = true; continue; }
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw invalid(ctx, `unterminated single quote in "${text}"`);
      cur += text.slice(i + 1, end); i = end; inWord = true; continue;
    }
    if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && '"\\$`'.includes(text[j + 1] ?? '')) j++;
        cur += text[j];
      }
      if (j >= text.length) throw invalid(ctx, `unterminated double quote in "${text}"`);
      i = j; inWord = true; continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      continue;
    }
    cur += ch; inWord = true;
  }
  if (inWord) words.push(cur);
  return words;
}

export const shellCommand: Normaliser = (v, ctx) => {
  if (typeof v === 'string') return splitShellWords(v, ctx);
  if (Array.isArray(v)) return v.map((x) => String(x));
  return v;
};
