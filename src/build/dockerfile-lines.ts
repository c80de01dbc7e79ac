/**
 * A Dockerfile's text as docker's parser reads it, before any instruction means anything: the parser
 * directives at the top (`# escape=`, `# syntax=`), comment lines dropped (also inside a continued
 * instruction), lines ending in the escape character joined to the next, and each logical line split
 * into its instruction keyword, leading `--flags` and the rest. Pure; errors name the file and line.
 */
import { UserError } from '../errors.js';

export interface RawInstruction {
  /** upper-case keyword, e.g. RUN */
  keyword: string;
  /** the text after the keyword (continuations joined), flags not yet split off */
  rest: string;
  /** 1-based line where the instruction starts */
  line: number;
  /** the instruction as written on its logical line, for messages and cache keys */
  original: string;
}

export interface DockerfileText {
  escape: '\\' | '`';
  /** parser directives found at the top, lower-case keys */
  directives: Record<string, string>;
  instructions: RawInstruction[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/** Error naming the Dockerfile and line, as every parse error does. */
export function dockerfileError(file: string, line: number, message: string, hint?: string): UserError {
  return new UserError('E_DOCKERFILE', `${file}:${line}: ${message}`, hint === undefined ? {} : { hint });
}

/** Splits a Dockerfile into logical instructions. `file` is only used in messages. */
export function splitDockerfile(text: string, file = 'Dockerfile'): DockerfileText {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Record<string, string> = {};
  let escape: '\\' | '`' = '\\';
  let i = 0;
  // Directives are only honoured before the first comment, blank line or instruction.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key !== 'escape' && key !== 'syntax' && key !== 'check') break;
    if (key in directives) throw dockerfileError(file, i + 1, `only one ${key} parser directive can be used`);
    directives[key] = m[2]!;
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw dockerfileError(file, i + 1, `invalid escape token '${m[2]}' does not match ` + '` or \\');
      escape = m[2];
    }
  }
  const instructions: RawInstruction[] = [];
  let current: { start: number; text: string } | undefined;
  for (; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) continue; // comments vanish, even inside a continued instruction
    if (trimmed === '') {
      if (current) continue; // docker warns and keeps going
      continue;
    }
    const continues = endsWithEscape(raw, escape);
    const body = continues ? raw.replace(/\s*$/, '').slice(0, -1) : raw;
    if (current) current.text += body;
    else current = { start: i + 1, text: body.replace(/^\s+/, '') };
    if (!continues) {
      instructions.push(toInstruction(current.text, current.start, file));
      current = undefined;
    }
  }
  if (current && current.text.trim() !== '') instructions.push(toInstruction(current.text, current.start, file));
  return { escape, directives, instructions };
}

function endsWithEscape(line: string, escape: string): boolean {
  const t = line.replace(/\s+$/, '');
  if (!t.endsWith(escape)) return false;
  // an escaped escape (`\\` at the end) is not a continuation
  let n = 0;
  for (let k = t.length - 1; k >= 0 && t[k] === escape; k--) n++;
  return n % 2 === 1;
}

function toInstruction(text: string, line: number, file: string): RawInstruction {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) throw dockerfileError(file, line, 'empty instruction');
  const keyword = m[1]!.toUpperCase();
  if (!/^[A-Z]+$/.test(keyword)) throw dockerfileError(file, line, `unknown instruction: ${m[1]}`);
  return { keyword, rest: (m[2] ?? '').trim(), line, original: text.trim() };
}

export interface SplitFlags {
  flags: Record<string, string | true>;
  rest: string;
}

/**
 * Splits the leading `--name[=value]` flags off an instruction's text, as docker does for FROM, RUN,
 * COPY, ADD and HEALTHCHECK. Unknown flags and repeats are errors naming the instruction.
 */
export function splitFlags(ins: RawInstruction, allowed: readonly string[], file: string): SplitFlags {
  const flags: Record<string, string | true> = {};
  let rest = ins.rest;
  for (;;) {
    const m = /^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    const name = m[1]!;
    if (!allowed.includes(name)) throw dockerfileError(file, ins.line, `${ins.keyword}: unknown flag: --${name}`);
    if (name in flags) throw dockerfileError(file, ins.line, `${ins.keyword}: duplicate flag specified: --${name}`);
    flags[name] = m[2] ?? true;
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** JSON (exec) form when the text is a JSON array of strings, as docker decides; undefined for the shell form. */
export function parseJsonForm(rest: string): string[] | undefined {
  const t = rest.trim();
  if (!t.startsWith('[')) return undefined;
  let v: unknown;
  try { v = JSON.parse(t); } catch { return undefined; }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return undefined;
  return v as string[];
}
