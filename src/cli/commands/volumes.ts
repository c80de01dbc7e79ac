/** `volumes`: the volumes of this project (labelled com.docker.compose.project=<project>). */
import path from 'node:path';
import type { CommandHandler } from '../command.js';
import { listVolumes } from '../../../runtime/volumes.js';
import { renderVolumeList } from './volume-ls.js';

/** Compose's normalisation of a directory name into a project name. */
function projectFromDir(dir: string): string {
  return path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

const volumes: CommandHandler = async ({ global, options, stdout, cwd }) => {
  const project = global.projectName ?? projectFromDir(global.projectDirectory ?? cwd);
  const vols = listVolumes().filter((v) => v.labels['com.docker.compose.project'] === project);
  stdout.write(renderVolumeList(vols, options.format, !!options.quiet));
  return 0;
};
export default volumes;
