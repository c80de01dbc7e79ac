/**
 * What up, down and ps share: loading the project from the global options, the label context its
 * containers carry, and the progress renderer chosen by --progress/--ansi.
 */
import type { CommandContext } from '../command.js';
import { loadProject } from '../../compose/load.js';
import type { Project } from '../../compose/types.js';
import { createRenderer, progressMode } from '../../progress/choose.js';
import type { Renderer } from '../../progress/events.js';
import type { LabelContext } from '../../reconcile/labels.js';
import { productVersion } from '../../version.js';
import { remoteLoaders } from '../remote/index.js';

export function loadComposeProject(ctx: CommandContext, services: string[] = []): Promise<Project> {
  return loadProject({
    cwd: ctx.cwd, files: ctx.global.files, projectDirectory: ctx.global.projectDirectory, osEnv: ctx.env,
    envFiles: ctx.global.envFiles, projectName: ctx.global.projectName, profiles: ctx.global.profiles, services, resourceLoaders: remoteLoaders(ctx.env),
  });
}

/** A project with no services, for commands that only act on what carries the project label. */
export function emptyProject(name: string, workingDir: string): Project {
  return { name, workingDir, services: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, models: {}, extensions: {}, environment: {}, configFiles: [], disabledServices: {}, profiles: [], warnings: [] };
}

export function labelContext(project: Project): LabelContext {
  return { project: project.name, workingDir: project.workingDir, configFiles: project.configFiles, version: productVersion() };
}

export function progressRenderer(ctx: CommandContext): Renderer {
  const isTTY = (ctx.stderr as NodeJS.WriteStream).isTTY === true;
  return createRenderer(progressMode(ctx.global.progress, ctx.global.ansi, isTTY), ctx.stderr, { dryRun: ctx.global.dryRun });
}

export function printWarnings(ctx: CommandContext, warnings: string[]): void {
  for (const w of warnings) ctx.stderr.write(`WARN ${w}\n`);
}
