/**
 * Which .dockerignore applies to a build context, as docker reads it: `<Dockerfile>.dockerignore` next to
 * the Dockerfile when there is one, else the context's own `.dockerignore`. Read by the builder and by
 * watch rules (which also leave out what the build context leaves out).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function readDockerignoreFile(contextDir: string, dockerfilePath?: string): { file: string; text: string } | undefined {
  const candidates = [...(dockerfilePath !== undefined ? [`${dockerfilePath}.dockerignore`] : []), path.join(contextDir, '.dockerignore')];
  for (const file of candidates) {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return undefined;
}
