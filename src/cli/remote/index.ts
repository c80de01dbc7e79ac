/** The remote resource loaders docker compose has, in the order it asks them. */
import type { ResourceLoader } from '../../compose/resources.js';
import { gitLoader } from './git-loader.js';
import { ociLoader } from './oci-loader.js';

export function remoteLoaders(env: Record<string, string | undefined>): ResourceLoader[] {
  return [gitLoader(env), ociLoader(env)];
}
