/**
 * docker compose's label set and naming rules. These labels are the only link between the runtime's
 * containers, networks and volumes and the Compose project (the runtime knows nothing of Compose), and other
 * tools (lazydocker, IDEs) group by them, so the keys and value formats are docker compose's exactly.
 */
export const L = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  slug: 'com.docker.compose.slug',
  configHash: 'com.docker.compose.config-hash',
  image: 'com.docker.compose.image',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  replace: 'com.docker.compose.replace',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  /** a lifecycle hook's own container (pre_start): no replica of its service */
  hook: 'com.docker.compose.hook',
} as const;

/** `<project>-<service>-<n>`; container_name wins when set. */
export function containerName(project: string, service: string, number: number, containerNameOverride?: string): string {
  return containerNameOverride ?? `${project}-${service}-${number}`;
}

/** One-off containers (`run`): `<project>-<service>-run-<first 12 hex of the slug>`. */
export function oneoffName(project: string, service: string, slug: string): string {
  return `${project}-${service}-run-${slug.slice(0, 12)}`;
}

/** `dep:condition:restart,…` in the order the file gives, as docker compose writes it. */
export function dependsOnLabel(deps: Record<string, { condition: string; restart?: boolean }>): string {
  return Object.entries(deps).map(([name, d]) => `${name}:${d.condition}:${d.restart === true}`).join(',');
}

/** The numbers of new replicas: docker compose counts on from the highest number in use (it does not fill gaps). */
export function nextNumbers(used: number[], count: number): number[] {
  const start = used.reduce((m, n) => Math.max(m, n), 0) + 1;
  return Array.from({ length: count }, (_, i) => start + i);
}

export interface LabelContext {
  project: string;
  workingDir: string;
  configFiles: string[];
  envFiles?: string[];
  version: string;
}

export function serviceLabels(ctx: LabelContext, service: string, opts: { number?: number; oneoff?: boolean; configHash: string; imageDigest?: string; dependsOn?: string; slug?: string }): Record<string, string> {
  const labels: Record<string, string> = {
    [L.project]: ctx.project,
    [L.service]: service,
    [L.oneoff]: opts.oneoff ? 'True' : 'False',
    [L.configHash]: opts.configHash,
    [L.version]: ctx.version,
    [L.workingDir]: ctx.workingDir,
    [L.configFiles]: ctx.configFiles.join(','),
  };
  if (opts.number !== undefined && !opts.oneoff) labels[L.number] = String(opts.number);
  if (opts.slug) labels[L.slug] = opts.slug;
  if (opts.imageDigest) labels[L.image] = opts.imageDigest;
  if (opts.dependsOn !== undefined) labels[L.dependsOn] = opts.dependsOn;
  if (ctx.envFiles && ctx.envFiles.length > 0) labels[L.environmentFile] = ctx.envFiles.join(',');
  return labels;
}
