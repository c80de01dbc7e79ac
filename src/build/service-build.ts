/**
 * A Compose service's `build:` as a build request: the image name (`image:` or `<project>-<service>`, as
 * docker compose names it), the context and Dockerfile (file or dockerfile_inline), build args (compose
 * `args`, then --build-arg; a null value takes the project environment's), target, and the labels docker
 * compose puts on built images. What this builder cannot honour is refused by name (ssh, secrets, remote
 * contexts, other platforms), or ignored with a warning where docker compose also ignores it without a
 * capable builder (cache_from, cache_to). Pure.
 */
import path from 'node:path';
import type { BuildConfig, Project, ServiceConfig } from '../compose/types.js';
import { UserError } from '../errors.js';
import { productVersion } from '../version.js';


export interface ServiceBuildPlan {
  service: string;
  /** the image's name (the first tag) */
  image: string;
  tags: string[];
  contextDir: string;
  /** absolute Dockerfile path, or undefined with dockerfile_inline */
  dockerfilePath?: string;
  dockerfileInline?: string;
  /** shown in messages: the Dockerfile path relative to the project, or "dockerfile_inline" */
  dockerfileName: string;
  buildArgs: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  noCache: boolean;
  pull: boolean;
  warnings: string[];
}

/** docker compose's image name for a service: its image:, else <project>-<service>. */
export function serviceImageName(project: Pick<Project, 'name'>, s: Pick<ServiceConfig, 'image' | 'name'>): string {
  return s.image ?? `${project.name}-${s.name}`;
}

const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/;

export function planServiceBuild(project: Project, serviceName: string, o: { buildArgs?: Record<string, string | undefined>; noCache?: boolean; pull?: boolean; version?: string } = {}): ServiceBuildPlan {
  const s = project.services[serviceName];
  if (!s) throw new UserError('E_NO_SUCH_SERVICE', `no such service: ${serviceName}`);
  const b: BuildConfig | undefined = s.build;
  const what = `service "${serviceName}": build`;
  if (!b) throw new UserError('E_BUILD_NONE', `${what}: the service has no build section`);
  const refuse = (key: string, why: string, hint?: string) => new UserError('E_BUILD_UNSUPPORTED', `${what}.${key}: ${why}`, hint ? { hint } : {});
  const warnings: string[] = [];
  if (REMOTE.test(b.context)) throw refuse('context', `remote build contexts are not supported ("${b.context}")`, 'clone the repository and use a local directory');
  if (b.ssh && (Array.isArray(b.ssh) ? b.ssh.length : Object.keys(b.ssh).length)) throw refuse('ssh', 'ssh forwarding is not supported by this builder');
  if (b.secrets?.length) throw refuse('secrets', 'build secrets are not supported by this builder');
  if (b.additional_contexts && Object.keys(b.additional_contexts).length) throw refuse('additional_contexts', 'additional build contexts are not supported by this builder');
  if (b.network !== undefined && !['host', 'default'].includes(b.network)) throw refuse('network', `network "${b.network}" is not supported: RUN uses the host's network`);
  for (const p of b.platforms ?? []) if (!['linux/amd64', 'linux/x86_64'].includes(p)) throw refuse('platforms', `platform "${p}" is not supported: this builder only builds linux/amd64`);
  if (b.cache_from?.length) warnings.push(`${what}.cache_from is ignored: this builder has no cache import`);
  if (b.cache_to?.length) warnings.push(`${what}.cache_to is ignored: this builder has no cache export`);
  if (b.extra_hosts?.length) warnings.push(`${what}.extra_hosts is ignored: RUN uses the host's /etc/hosts`);
  if (b.privileged) warnings.push(`${what}.privileged is ignored`);
  const contextDir = path.resolve(project.workingDir, b.context);
  const image = serviceImageName(project, { name: serviceName, ...(s.image !== undefined ? { image: s.image } : {}) });
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.args ?? {})) {
    const value = v ?? project.environment[k];
    if (value !== undefined) buildArgs[k] = String(value);
  }
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) {
    const value = v ?? project.environment[k];
    if (value !== undefined) buildArgs[k] = value;
  }
  const dockerfile = b.dockerfile ?? 'Dockerfile';
  const inline = b.dockerfile_inline;
  const dockerfilePath = inline === undefined ? path.resolve(contextDir, dockerfile) : undefined;
  return {
    service: serviceName,
    image,
    tags: [...new Set([image, ...(b.tags ?? [])])],
    contextDir,
    ...(dockerfilePath !== undefined ? { dockerfilePath } : { dockerfileInline: inline }),
    dockerfileName: dockerfilePath !== undefined ? path.relative(project.workingDir, dockerfilePath) || dockerfile : 'dockerfile_inline',
    buildArgs,
    ...(b.target !== undefined ? { target: b.target } : {}),
    labels: {
      ...b.labels,
      'com.docker.compose.version': o.version ?? productVersion(),
      'com.docker.compose.project': project.name,
      'com.docker.compose.service': serviceName,
    },
    noCache: o.noCache === true || b.no_cache === true,
    pull: o.pull === true || b.pull === true,
    warnings,
  };
}

/** Parses `--build-arg KEY=VALUE` (a bare KEY takes the environment's value). */
export function parseBuildArgFlags(values: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const key = eq < 0 ? v : v.slice(0, eq);
    if (key === '') throw new UserError('E_USAGE', `invalid --build-arg "${v}": want KEY=VALUE`);
    out[key] = eq < 0 ? undefined : v.slice(eq + 1);
  }
  return out;
}
