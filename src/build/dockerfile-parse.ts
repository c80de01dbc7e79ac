/**
 * A Dockerfile as a list of stages of checked instructions: keywords known, flags allowed, forms (JSON
 * exec vs shell) decided, unsupported features (ONBUILD, heredocs, ADD of URLs/git) refused by line.
 * Nothing is substituted here: values stay raw until the stage is evaluated with its variables.
 */
import { dockerfileError, parseJsonForm, splitDockerfile, splitFlags, type RawInstruction } from './dockerfile-lines.js';
import { rawWords, SubstitutionError } from './shell-words.js';

export type CommandForm = { exec: string[] } | { shell: string };

interface Base { line: number; original: string }
export type Instruction = Base & (
  | { kind: 'ARG'; args: Array<{ name: string; default?: string }> }
  | { kind: 'RUN'; command: CommandForm }
  | { kind: 'CMD' | 'ENTRYPOINT'; command: CommandForm }
  | { kind: 'COPY' | 'ADD'; sources: string[]; dest: string; json: boolean; from?: string; chown?: string; chmod?: string }
  | { kind: 'ENV' | 'LABEL'; text: string }
  | { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; text: string }
  | { kind: 'EXPOSE'; text: string }
  | { kind: 'VOLUME'; json?: string[]; text: string }
  | { kind: 'SHELL'; shell: string[] }
  | { kind: 'HEALTHCHECK'; none: true } | { kind: 'HEALTHCHECK'; none: false; command: CommandForm; flags: Record<string, string> }
);

export interface FromInstruction extends Base { image: string; name?: string; platform?: string }

export interface ParsedStage {
  index: number;
  from: FromInstruction;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  file: string;
  escape: '\\' | '`';
  /** ARG instructions before the first FROM */
  globalArgs: Array<Extract<Instruction, { kind: 'ARG' }>>;
  stages: ParsedStage[];
}

const REFUSED: Record<string, string> = {
  ONBUILD: 'ONBUILD is not supported by this builder',
};
const KNOWN = new Set(['FROM', 'ARG', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'LABEL', 'WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER', 'EXPOSE', 'VOLUME', 'SHELL', 'HEALTHCHECK', 'ONBUILD']);

export function parseDockerfile(text: string, file = 'Dockerfile'): ParsedDockerfile {
  const split = splitDockerfile(text, file);
  const out: ParsedDockerfile = { file, escape: split.escape, globalArgs: [], stages: [] };
  for (const raw of split.instructions) {
    const fail = (msg: string, hint?: string) => dockerfileError(file, raw.line, `${raw.keyword}: ${msg}`, hint);
    if (!KNOWN.has(raw.keyword)) throw dockerfileError(file, raw.line, `unknown instruction: ${raw.keyword}`);
    if (REFUSED[raw.keyword]) throw fail(REFUSED[raw.keyword]!, 'build the image with docker, or remove the instruction');
    try {
      if (raw.keyword === 'FROM') {
        out.stages.push({ index: out.stages.length, from: parseFrom(raw, file), instructions: [] });
        continue;
      }
      const ins = parseInstruction(raw, file, split.escape);
      const stage = out.stages[out.stages.length - 1];
      if (!stage) {
        if (ins.kind !== 'ARG') throw dockerfileError(file, raw.line, `${raw.keyword}: no build stage in current context`, 'the first instruction must be FROM (ARG may come before it)');
        out.globalArgs.push(ins);
      } else stage.instructions.push(ins);
    } catch (e) {
      if (e instanceof SubstitutionError) throw fail(e.message);
      throw e;
    }
  }
  if (out.stages.length === 0) throw dockerfileError(file, 1, 'the Dockerfile has no FROM instruction', 'a Dockerfile must start with FROM (after optional ARGs)');
  return out;
}

function parseFrom(raw: RawInstruction, file: string): FromInstruction {
  const { flags, rest } = splitFlags(raw, ['platform'], file);
  const words = rest.split(/\s+/).filter((w) => w !== '');
  const base = { line: raw.line, original: raw.original };
  if (words.length === 1) return { ...base, image: words[0]!, ...(typeof flags.platform === 'string' ? { platform: flags.platform } : {}) };
  if (words.length === 3 && words[1]!.toUpperCase() === 'AS') {
    const name = words[2]!.toLowerCase();
    if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw dockerfileError(file, raw.line, `FROM: invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
    return { ...base, image: words[0]!, name, ...(typeof flags.platform === 'string' ? { platform: flags.platform } : {}) };
  }
  throw dockerfileError(file, raw.line, 'FROM requires either one or three arguments', 'FROM <image> [AS <name>]');
}

const HEREDOC = /(^|\s)<<-?\s*["']?[A-Za-z_][A-Za-z0-9_]*["']?/;

function command(rest: string): CommandForm {
  const exec = parseJsonForm(rest);
  return exec ? { exec } : { shell: rest };
}

function parseInstruction(raw: RawInstruction, file: string, escape: string): Instruction {
  const base = { line: raw.line, original: raw.original };
  const fail = (msg: string, hint?: string) => dockerfileError(file, raw.line, `${raw.keyword}: ${msg}`, hint);
  const need = () => { if (raw.rest === '') throw fail(`${raw.keyword} requires at least one argument`); };
  switch (raw.keyword) {
    case 'ARG': {
      need();
      const args = rawWords(raw.rest, escape).map((w) => {
        const eq = w.indexOf('=');
        const name = eq < 0 ? w : w.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fail(`invalid ARG name "${name}"`);
        return eq < 0 ? { name } : { name, default: w.slice(eq + 1) };
      });
      return { ...base, kind: 'ARG', args };
    }
    case 'RUN': {
      const { flags, rest } = splitFlags(raw, ['mount', 'network', 'security'], file);
      if (Object.keys(flags).length > 0) throw fail(`--${Object.keys(flags)[0]} is not supported by this builder`);
      if (rest === '') throw fail('RUN requires at least one argument');
      if (!parseJsonForm(rest) && HEREDOC.test(rest)) throw fail('heredocs are not supported by this builder', 'write the script to a file and COPY it, or use a RUN with && and line continuations');
      return { ...base, kind: 'RUN', command: command(rest) };
    }
    case 'CMD': case 'ENTRYPOINT':
      need();
      return { ...base, kind: raw.keyword, command: command(raw.rest) };
    case 'COPY': case 'ADD': {
      const allowed = raw.keyword === 'COPY' ? ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'] : ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'];
      const { flags, rest } = splitFlags(raw, allowed, file);
      for (const f of ['parents', 'exclude', 'checksum', 'keep-git-dir']) if (f in flags) throw fail(`--${f} is not supported by this builder`);
      if (!parseJsonForm(rest) && HEREDOC.test(rest)) throw fail('heredocs are not supported by this builder', `put the content in a file of the build context and ${raw.keyword} it`);
      const json = parseJsonForm(rest);
      const words = json ?? rawWords(rest, escape);
      if (words.length < 2) throw fail(`${raw.keyword} requires at least two arguments, but only ${words.length} provided`, `${raw.keyword} <src>... <dest>`);
      const str = (k: string) => { const v = flags[k]; if (v === true || v === '') throw fail(`--${k} needs a value`); return v; };
      const from = str('from'); const chown = str('chown'); const chmod = str('chmod');
      if (chmod !== undefined && !/^[0-7]{3,4}$/.test(chmod)) throw fail(`invalid --chmod "${chmod}": only octal modes are supported`);
      const sources = words.slice(0, -1);
      if (raw.keyword === 'ADD') {
        for (const s of sources) if (/^(https?|git|ssh):\/\//i.test(s) || /^git@/.test(s) || /\.git(#.*)?$/.test(s) && /:/.test(s)) throw fail(`remote source "${s}" is not supported by this builder`, 'download it in a RUN step, or put it in the build context');
      }
      return { ...base, kind: raw.keyword, sources, dest: words[words.length - 1]!, json: json !== undefined, ...(from !== undefined ? { from } : {}), ...(chown !== undefined ? { chown } : {}), ...(chmod !== undefined ? { chmod } : {}) };
    }
    case 'ENV': case 'LABEL':
      need();
      return { ...base, kind: raw.keyword, text: raw.rest };
    case 'WORKDIR': case 'USER': case 'STOPSIGNAL': case 'MAINTAINER':
      need();
      return { ...base, kind: raw.keyword, text: raw.rest };
    case 'EXPOSE':
      need();
      return { ...base, kind: 'EXPOSE', text: raw.rest };
    case 'VOLUME': {
      need();
      const json = parseJsonForm(raw.rest);
      return { ...base, kind: 'VOLUME', text: raw.rest, ...(json ? { json } : {}) };
    }
    case 'SHELL': {
      const json = parseJsonForm(raw.rest);
      if (!json || json.length === 0) throw fail('SHELL requires the arguments to be in JSON form', 'SHELL ["/bin/sh", "-c"]');
      return { ...base, kind: 'SHELL', shell: json };
    }
    case 'HEALTHCHECK': {
      const { flags, rest } = splitFlags(raw, ['interval', 'timeout', 'start-period', 'start-interval', 'retries'], file);
      const word = rest.split(/\s+/)[0]!.toUpperCase();
      if (word === 'NONE') {
        if (rest.trim().split(/\s+/).length > 1 || Object.keys(flags).length > 0) throw fail('HEALTHCHECK NONE takes no other arguments');
        return { ...base, kind: 'HEALTHCHECK', none: true };
      }
      if (word !== 'CMD') throw fail('HEALTHCHECK requires CMD or NONE', 'HEALTHCHECK [--interval=30s ...] CMD <command>');
      const cmd = rest.trim().slice(3).trim();
      if (cmd === '') throw fail('missing command after HEALTHCHECK CMD');
      const f: Record<string, string> = {};
      for (const [k, v] of Object.entries(flags)) { if (v === true) throw fail(`--${k} needs a value`); f[k] = v; }
      return { ...base, kind: 'HEALTHCHECK', none: false, command: command(cmd), flags: f };
    }
  }
  throw dockerfileError(file, raw.line, `unknown instruction: ${raw.keyword}`);
}
