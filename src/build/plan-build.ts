/**
 * Which stages a build runs and from what: global ARGs resolved (build args override defaults), each
 * FROM expanded and resolved to scratch, an earlier stage or an image, the target chosen (default: the
 * last stage), and only the stages the target needs kept, in order. Pure.
 */
import type { BuildStagePlan, CopySource, StageBase } from '../../runtime/index.js';
import { dockerfileError } from './dockerfile-lines.js';
import { parseDockerfile, type ParsedDockerfile } from './dockerfile-parse.js';
import { evaluateStage } from './evaluate-stage.js';
import { expandWord, SubstitutionError } from './shell-words.js';
import { UserError } from '../errors.js';

export interface BuildOptions {
  buildArgs?: Readonly<Record<string, string>>;
  target?: string;
}

export interface BuildPlan {
  stages: BuildStagePlan[];
  /** build args nobody declared (docker warns about them) */
  unusedArgs: string[];
}

/** The platform ARGs docker defines in the global scope. */
const PLATFORM_ARGS: ReadonlyArray<[string, string]> = [
  ['TARGETPLATFORM', 'linux/amd64'], ['TARGETOS', 'linux'], ['TARGETARCH', 'amd64'], ['TARGETVARIANT', ''],
  ['BUILDPLATFORM', 'linux/amd64'], ['BUILDOS', 'linux'], ['BUILDARCH', 'amd64'], ['BUILDVARIANT', ''],
];

export function planDockerfile(text: string, file: string, o: BuildOptions = {}): BuildPlan {
  return planBuild(parseDockerfile(text, file), o);
}

export function planBuild(df: ParsedDockerfile, o: BuildOptions = {}): BuildPlan {
  const buildArgs = new Map(Object.entries(o.buildArgs ?? {}));
  const globalArgs = new Map<string, string | undefined>();
  const globalVars = new Map<string, string>(PLATFORM_ARGS);
  const declared = new Set<string>(PLATFORM_ARGS.map(([k]) => k));
  for (const ins of df.globalArgs) {
    for (const a of ins.args) {
      declared.add(a.name);
      let value: string | undefined;
      try {
        value = buildArgs.get(a.name) ?? (a.default !== undefined ? expandWord(a.default, globalVars, df.escape) : undefined);
      } catch (e) {
        if (e instanceof SubstitutionError) throw dockerfileError(df.file, ins.line, `ARG: ${e.message}`);
        throw e;
      }
      globalArgs.set(a.name, value);
      if (value !== undefined) globalVars.set(a.name, value);
    }
  }
  for (const [k, v] of PLATFORM_ARGS) if (!globalArgs.has(k)) globalArgs.set(k, v);

  const names = new Map<string, number>();
  const bases: StageBase[] = [];
  const displays: string[] = [];
  for (const st of df.stages) {
    const fail = (msg: string, hint?: string) => dockerfileError(df.file, st.from.line, `FROM: ${msg}`, hint);
    let image: string;
    try { image = expandWord(st.from.image, globalVars, df.escape); } catch (e) { if (e instanceof SubstitutionError) throw fail(e.message); throw e; }
    if (image === '') throw fail(`base name (${st.from.image}) should not be blank`);
    if (st.from.platform !== undefined) {
      const p = expandWord(st.from.platform, globalVars, df.escape);
      if (p !== 'linux/amd64' && p !== 'linux/x86_64') throw fail(`platform "${p}" is not supported: this builder only builds linux/amd64`);
    }
    const lower = image.toLowerCase();
    const stageIndex = names.get(lower);
    displays.push(`FROM ${image}${st.from.name !== undefined ? ` AS ${st.from.name}` : ''}`);
    bases.push(lower === 'scratch' ? { kind: 'scratch' } : stageIndex !== undefined ? { kind: 'stage', index: stageIndex } : { kind: 'image', ref: image });
    if (st.from.name !== undefined) {
      if (names.has(st.from.name)) throw fail(`duplicate stage name "${st.from.name}"`);
      names.set(st.from.name, st.index);
    }
  }

  const resolveFrom = (current: number) => (value: string, line: number): CopySource => {
    const lower = value.toLowerCase();
    const byName = names.get(lower);
    const index = byName ?? (/^\d+$/.test(value) ? Number(value) : undefined);
    if (index !== undefined) {
      if (index >= current) throw dockerfileError(df.file, line, `COPY: --from=${value}: a stage can only copy from an earlier stage`);
      return { kind: 'stage', index };
    }
    return { kind: 'image', ref: value };
  };

  let target = df.stages.length - 1;
  if (o.target !== undefined) {
    const t = names.get(o.target.toLowerCase());
    if (t === undefined) throw new UserError('E_BUILD_TARGET', `${df.file}: target stage "${o.target}" could not be found`, { hint: names.size ? `stages: ${[...names.keys()].join(', ')}` : 'the Dockerfile names no stage (FROM <image> AS <name>)' });
    target = t;
  }

  // The stages the target needs: its base chain and the stages COPY --from reads.
  const needed = new Set<number>();
  const visit = (i: number) => {
    if (needed.has(i)) return;
    needed.add(i);
    const b = bases[i]!;
    if (b.kind === 'stage') visit(b.index);
    for (const ins of df.stages[i]!.instructions) {
      if ((ins.kind === 'COPY') && ins.from !== undefined) {
        let v = ins.from;
        if (v.includes('$')) { try { v = expandWord(v, globalVars, df.escape); } catch { continue; } }
        const src = resolveFrom(i)(v, ins.line);
        if (src.kind === 'stage') visit(src.index);
      }
    }
  };
  visit(target);

  const used = new Set<string>();
  for (const st of df.stages) if (needed.has(st.index)) for (const ins of st.instructions) if (ins.kind === 'ARG') for (const a of ins.args) used.add(a.name);
  for (const k of declared) used.add(k);
  const unusedArgs = [...buildArgs.keys()].filter((k) => !used.has(k)).sort();

  const stages: BuildStagePlan[] = df.stages.filter((s) => needed.has(s.index)).map((st) => ({
    index: st.index,
    ...(st.from.name !== undefined ? { name: st.from.name } : {}),
    display: displays[st.index]!,
    base: bases[st.index]!,
    evaluate: (base) => evaluateStage(st, base, { file: df.file, escape: df.escape, buildArgs, globalArgs, resolveFrom: resolveFrom(st.index) }),
  }));
  return { stages, unusedArgs };
}
