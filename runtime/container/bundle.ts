/** Where one container's files live: the bundle dir B = <containers>/<id>/ and its contents (see PROTOCOL.md). */
import path from 'node:path';
import { RuntimeError } from '../errors.js';

export interface BundlePaths {
  dir: string;
  config: string;
  shim: string;
  state: string;
  ctl: string;
  rootfs: string;
  upper: string;
  work: string;
  log: string;
  meta: string;
}

export const ID_PATTERN = /^[0-9a-f]{64}$/;

export function bundlePaths(containersDir: string, id: string): BundlePaths {
  if (!ID_PATTERN.test(id)) throw new RuntimeError('E_CONTAINER_ID', `invalid container id "${id}" (want 64 lowercase hex)`);
  const dir = path.join(containersDir, id);
  return {
    dir,
    config: path.join(dir, 'config.json'),
    shim: path.join(dir, 'shim.json'),
    state: path.join(dir, 'state.json'),
    ctl: path.join(dir, 'ctl.sock'),
    rootfs: path.join(dir, 'rootfs'),
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    log: path.join(dir, `${id}-json.log`),
    meta: path.join(dir, 'meta.json'),
  };
}
