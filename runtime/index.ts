/** The runtime's public face: src/ imports runtime only through this file. */
export { RuntimeError, wrapError } from './errors.js';
export { paths, pathsFor, type Paths } from './store/paths.js';
export { loadAddon, shimPath, packageRoot } from './sys/native.js';
export { collectHostFacts, type HostFacts } from './sys/host-facts.js';
export { planHostProblems, type Problem } from './sys/prerequisites.js';
export * from './container/index.js';
export type { ContainerSpec, ImageFacts, HealthcheckSpec, MountSpec, DeviceSpec, UlimitSpec, NamespaceMode, FileSource, ContainerStatus, ShimState, HealthState, ContainerSummary } from './types.js';
// images and snapshots (issue 5)
export { parseReference, formatReference, familiarName, type ImageRef } from './image/reference.js';
export { parsePlatform, formatPlatform, type Platform } from './image/platform.js';
export { pullImage, type PullProgress, type PullOptions, type PullResult } from './image/pull.js';
export { pushImage, type PushProgress } from './image/push.js';
export { listImages, findImage, requireImage, tagImage, removeImage, type ImageRecord } from './image/image-store.js';
export { pruneImages, type PruneResult } from './image/prune.js';
export { loadImages, saveImages } from './image/load-save.js';
export { readBlob } from './image/content-store.js';
export { parseImageConfig, type ContainerImageConfig } from './image/image-config.js';
export { imageFactsFor, resolveImageFacts } from './image/image-facts.js';
export { prepareContainerLayer, mountOverlay, unmountOverlay, removeContainerLayer, planOverlayOptions } from './snapshot/overlay.js';
// networks, volumes, secrets and configs (issue 6)
export * from './network/index.js';
export * from './volume/index.js';
