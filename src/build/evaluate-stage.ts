/**
 * One stage's instructions evaluated against its base image's config: variables substituted where docker
 * substitutes them (ENV wins over ARG), WORKDIR resolved, CMD/ENTRYPOINT/SHELL/HEALTHCHECK turned into
 * config, and RUN/COPY/ADD/WORKDIR turned into steps for the runtime. Pure; errors name file and line.
 */
import path from 'node:path';
import type { BuildStep, CopySource, DockerImageConfig, StageEvaluation } from '../../runtime/index.js';
import { dockerfileError } from './dockerfile-lines.js';
import type { CommandForm, Instruction, ParsedStage } from './dockerfile-parse.js';
import { expandWord, expandWords, splitPairs, SubstitutionError } from './shell-words.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_SHELL = ['/bin/sh', '-c'];

export interface StageContext {
  file: string;
  escape: string;
  /** --build-arg / compose args values */
  buildArgs: ReadonlyMap<string, string>;
  /** values of the ARGs declared before the first FROM (after overrides) */
  globalArgs: ReadonlyMap<string, string | undefined>;
  /** COPY --from=<value> → where to read (resolved by the planner) */
  resolveFrom(value: string, line: number): CopySource;
}

function envMap(list: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of list ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) m.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return m;
}

/** Go duration (`30s`, `1m30s`, `500ms`) in nanoseconds; undefined when malformed. */
export function goDurationNs(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return text === '0' ? 0 : undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return Math.round(total);
}

export function evaluateStage(stage: ParsedStage, base: DockerImageConfig, ctx: StageContext): StageEvaluation {
  const config: DockerImageConfig = structuredClone(base);
  const env = envMap(config.Env);
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  const args = new Map<string, string | undefined>();
  const steps: BuildStep[] = [];
  let cmdSet = false;
  let author: string | undefined;
  const vars = (): Map<string, string> => {
    const v = new Map<string, string>();
    for (const [k, a] of args) if (a !== undefined) v.set(k, a);
    for (const [k, e] of env) v.set(k, e);
    return v;
  };
  const workdir = () => config.WorkingDir || '/';
  const shell = () => config.Shell ?? DEFAULT_SHELL;
  const toArgv = (c: CommandForm) => ('exec' in c ? c.exec : [...shell(), c.shell]);
  const configStep = (ins: Instruction, createdBy = ins.original) => steps.push({ kind: 'config', display: ins.original, createdBy, cacheKey: JSON.stringify([ins.original, config]) });

  for (const ins of stage.instructions) {
    const fail = (msg: string) => dockerfileError(ctx.file, ins.line, `${ins.kind}: ${msg}`);
    const word = (t: string) => expandWord(t, vars(), ctx.escape);
    const words = (t: string) => expandWords(t, vars(), ctx.escape);
    try {
      switch (ins.kind) {
        case 'ARG':
          for (const a of ins.args) {
            const given = ctx.buildArgs.get(a.name);
            const value = given ?? (a.default !== undefined ? word(a.default) : ctx.globalArgs.get(a.name));
            args.set(a.name, value);
          }
          break;
        case 'ENV': {
          const v = vars();
          const pairs = splitPairs(ins.text, ctx.escape);
          const list = 'legacyKey' in pairs ? [{ key: pairs.legacyKey, value: pairs.value }] : pairs;
          for (const p of list) env.set(expandWord(p.key, v, ctx.escape), expandWord(p.value, v, ctx.escape));
          config.Env = [...env].map(([k, val]) => `${k}=${val}`);
          configStep(ins, `ENV ${list.map((p) => `${expandWord(p.key, v, ctx.escape)}=${expandWord(p.value, v, ctx.escape)}`).join(' ')}`);
          break;
        }
        case 'LABEL': {
          const v = vars();
          const pairs = splitPairs(ins.text, ctx.escape);
          const list = 'legacyKey' in pairs ? [{ key: pairs.legacyKey, value: pairs.value }] : pairs;
          config.Labels = { ...config.Labels };
          for (const p of list) config.Labels[expandWord(p.key, v, ctx.escape)] = expandWord(p.value, v, ctx.escape);
          configStep(ins);
          break;
        }
        case 'RUN': {
          const argv = toArgv(ins.command);
          const runEnv = [...vars()].map(([k, val]) => `${k}=${val}`);
          const user = config.User ?? '';
          const argPrefix = [...args].filter(([k, a]) => a !== undefined && !env.has(k)).map(([k, a]) => `${k}=${a}`);
          const createdBy = `RUN ${argPrefix.length ? `|${argPrefix.length} ${argPrefix.join(' ')} ` : ''}${argv.join(' ')} # buildkit`;
          steps.push({ kind: 'run', argv, env: runEnv, workdir: workdir(), user, display: ins.original, createdBy, cacheKey: JSON.stringify(['RUN', argv, runEnv, workdir(), user]) });
          break;
        }
        case 'COPY': case 'ADD': {
          const sources = ins.json ? ins.sources.map(word) : ins.sources.flatMap(words);
          const rawDest = word(ins.dest);
          if (sources.length === 0 || rawDest === '') throw fail('source or destination is empty after substitution');
          const joined = path.posix.join(rawDest.startsWith('/') ? '/' : workdir(), rawDest);
          const dest = rawDest.endsWith('/') || rawDest.endsWith('/.') ? joined.replace(/\/*$/, '/') : joined;
          if (sources.length > 1 && !dest.endsWith('/')) throw fail(`When using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`);
          const from: CopySource = ins.from !== undefined ? ctx.resolveFrom(word(ins.from), ins.line) : { kind: 'context' };
          if (ins.kind === 'ADD' && from.kind !== 'context') throw fail('--from is not allowed with ADD');
          const chown = ins.chown !== undefined ? word(ins.chown) : undefined;
          const chmod = ins.chmod !== undefined ? parseInt(ins.chmod, 8) : undefined;
          const fromText = from.kind === 'context' ? '' : from.kind === 'stage' ? `--from=${from.index} ` : `--from=${from.ref} `;
          const flagsText = `${fromText}${chown !== undefined ? `--chown=${chown} ` : ''}${chmod !== undefined ? `--chmod=${ins.chmod} ` : ''}`;
          const createdBy = `${ins.kind} ${flagsText}${sources.join(' ')} ${dest} # buildkit`;
          steps.push({ kind: 'copy', add: ins.kind === 'ADD', sources, dest, from, ...(chown !== undefined ? { chown } : {}), ...(chmod !== undefined ? { chmod } : {}), workdir: workdir(), user: config.User ?? '', display: ins.original, createdBy, cacheKey: JSON.stringify([ins.kind, sources, dest, from, chown ?? null, chmod ?? null]) });
          break;
        }
        case 'WORKDIR': {
          const w = word(ins.text);
          if (w === '') throw fail('WORKDIR is empty after substitution');
          config.WorkingDir = path.posix.resolve(workdir(), w);
          steps.push({ kind: 'workdir', path: config.WorkingDir, display: ins.original, createdBy: `WORKDIR ${config.WorkingDir}`, cacheKey: JSON.stringify(['WORKDIR', config.WorkingDir]) });
          break;
        }
        case 'USER':
          config.User = word(ins.text);
          configStep(ins, `USER ${config.User}`);
          break;
        case 'STOPSIGNAL':
          config.StopSignal = word(ins.text);
          configStep(ins, `STOPSIGNAL ${config.StopSignal}`);
          break;
        case 'MAINTAINER':
          author = word(ins.text);
          configStep(ins);
          break;
        case 'EXPOSE': {
          config.ExposedPorts = { ...config.ExposedPorts };
          for (const p of words(ins.text)) {
            const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
            if (!m) throw fail(`invalid port "${p}"`);
            const proto = (m[3] ?? 'tcp').toLowerCase();
            const lo = Number(m[1]); const hi = m[2] !== undefined ? Number(m[2]) : lo;
            if (lo < 1 || hi > 65535 || hi < lo) throw fail(`invalid port range "${p}"`);
            for (let port = lo; port <= hi; port++) config.ExposedPorts[`${port}/${proto}`] = {};
          }
          configStep(ins);
          break;
        }
        case 'VOLUME': {
          config.Volumes = { ...config.Volumes };
          const list = ins.json ? ins.json.map(word) : words(ins.text);
          for (const v of list) {
            if (v === '') throw fail('VOLUME specified can not be an empty string');
            config.Volumes[v] = {};
          }
          configStep(ins);
          break;
        }
        case 'SHELL':
          config.Shell = ins.shell;
          configStep(ins);
          break;
        case 'CMD':
          config.Cmd = toArgv(ins.command);
          cmdSet = true;
          configStep(ins, `CMD ${JSON.stringify(config.Cmd)}`);
          break;
        case 'ENTRYPOINT':
          config.Entrypoint = toArgv(ins.command);
          if (!cmdSet) config.Cmd = null; // docker: an ENTRYPOINT resets a CMD inherited from the base image
          configStep(ins, `ENTRYPOINT ${JSON.stringify(config.Entrypoint)}`);
          break;
        case 'HEALTHCHECK': {
          if (ins.none) config.Healthcheck = { Test: ['NONE'] };
          else {
            const hc: NonNullable<DockerImageConfig['Healthcheck']> = { Test: 'exec' in ins.command ? ['CMD', ...ins.command.exec] : ['CMD-SHELL', ins.command.shell] };
            const dur = (flag: string, key: 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval') => {
              const v = ins.flags[flag];
              if (v === undefined) return;
              const ns = goDurationNs(v);
              if (ns === undefined || ns < 0) throw fail(`invalid --${flag} "${v}": want a duration such as 30s`);
              hc[key] = ns;
            };
            dur('interval', 'Interval'); dur('timeout', 'Timeout'); dur('start-period', 'StartPeriod'); dur('start-interval', 'StartInterval');
            if (ins.flags.retries !== undefined) {
              if (!/^\d+$/.test(ins.flags.retries)) throw fail(`invalid --retries "${ins.flags.retries}"`);
              hc.Retries = Number(ins.flags.retries);
            }
            config.Healthcheck = hc;
          }
          configStep(ins);
          break;
        }
      }
    } catch (e) {
      if (e instanceof SubstitutionError) throw fail(e.message);
      throw e;
    }
  }
  if (!config.Env?.some((e) => e.startsWith('PATH='))) config.Env = [`PATH=${env.get('PATH')}`, ...(config.Env ?? [])];
  return { steps, config, ...(author !== undefined ? { author } : {}) };
}
