/**
 * The runtime's public face: src/ imports runtime only through this file or through the narrow facades
 * it re-exports (images, image-transfer, image-archive, snapshots, containers, networks, volumes, host).
 * A CLI handler imports the one facade it needs, so `image ls` does not load containers, DNS and tar code.
 */
export { RuntimeError, wrapError } from './errors.js';
export { paths, pathsFor, type Paths } from './store/paths.js';
export { withLock, type LockOptions } from './store/lock.js';
export * from './host.js';
export * from './containers.js';
// images and snapshots (issue 5)
export * from './images.js';
export * from './image-transfer.js';
export * from './image-archive.js';
export * from './snapshots.js';
// networks, volumes, secrets and configs (issue 6)
export * from './networks.js';
export * from './volumes.js';
// restore after a host reboot (issue 4)
export { restoreAll, type RestoreReport, type RestoreProgress, type RestoreScope, type ContainerRestore } from './restore.js';
export { containerSecretsDir, execKeepSecrets } from './container/secret-record.js';
// image builds (session 3, build)
export * from './build/index.js';
