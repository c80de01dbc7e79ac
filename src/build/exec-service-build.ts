/**
 * Builds one service's image: reads its Dockerfile and .dockerignore (`<Dockerfile>.dockerignore` next to
 * the Dockerfile wins over the context's, as buildkit reads them), plans the stages and hands them to the
 * runtime's builder, writing buildkit's plain progress (`#3 [web 2/5] RUN ...`, `#3 CACHED`, `#3 DONE
 * 0.4s`) to `write`. Returns the stored image.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { execBuild, pullImage, type BuildEvent, type ImageRecord } from '../../runtime/index.js';
import { UserError } from '../errors.js';
import { ignoreFilter } from './dockerignore.js';
import { readDockerignoreFile } from './dockerignore-file.js';
import { planDockerfile } from './plan-build.js';
import type { ServiceBuildPlan } from './service-build.js';

export interface ServiceBuildOutput {
  /** progress lines (no newline); undefined for quiet */
  write?: (line: string) => void;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Pure: one build event as buildkit's plain progress line, prefixed with the service. */
export function renderBuildEvent(service: string, e: BuildEvent): string {
  switch (e.kind) {
    case 'step': return `#${e.n} [${service} ${e.text.replace(/^\[/, '')}`;
    case 'output': return `#${e.n} ${(e.elapsedMs / 1000).toFixed(3)} ${e.line}`;
    case 'cached': return `#${e.n} CACHED`;
    case 'done': return `#${e.n} DONE ${(e.ms / 1000).toFixed(1)}s`;
    case 'error': return `#${e.n} ERROR: ${e.message}`;
  }
}

export async function execServiceBuild(plan: ServiceBuildPlan, out: ServiceBuildOutput = {}): Promise<ImageRecord> {
  const what = `service "${plan.service}": build`;
  const st = await fs.stat(plan.contextDir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UserError('E_BUILD_CONTEXT', `${what}: context "${plan.contextDir}" is not a directory`);
  let text: string;
  if (plan.dockerfileInline !== undefined) text = plan.dockerfileInline;
  else {
    const t = await readOptional(plan.dockerfilePath!);
    if (t === undefined) throw new UserError('E_BUILD_DOCKERFILE', `${what}: failed to read dockerfile: open ${plan.dockerfileName}: no such file or directory`);
    text = t;
  }
  const ignoreFile = readDockerignoreFile(plan.contextDir, plan.dockerfilePath);
  const ignored = ignoreFile && ignoreFilter(ignoreFile.text, path.basename(ignoreFile.file));
  let buildPlan;
  try {
    buildPlan = planDockerfile(text, plan.dockerfileName, { buildArgs: plan.buildArgs, ...(plan.target !== undefined ? { target: plan.target } : {}) });
  } catch (e) {
    if (e instanceof UserError) throw e.withContext(what);
    throw e;
  }
  const write = out.write;
  if (buildPlan.unusedArgs.length) write?.(`[Warning] One or more build-args [${buildPlan.unusedArgs.join(' ')}] were not consumed`);
  let last = 0;
  const record = await execBuild({
    stages: buildPlan.stages,
    contextDir: plan.contextDir,
    ...(ignored ? { ignored } : {}),
    tags: plan.tags,
    labels: plan.labels,
    noCache: plan.noCache,
    pull: plan.pull,
    pullImage: async (ref) => (await pullImage(ref)).record,
    what,
    onEvent: (e) => {
      last = e.n;
      write?.(renderBuildEvent(plan.service, e));
    },
  }).catch((e: unknown) => {
    const msg = (e as Error).message;
    write?.(`#${last} ERROR: ${msg.replace(/^failed to solve: /, '')}`);
    throw e;
  });
  write?.(`#${last + 1} naming to ${plan.image} done`);
  return record.record;
}
