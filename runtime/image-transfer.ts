/**
 * Moving images between registries and the store: pull and push. Kept apart from images.ts because these
 * load the registry client; tarballs (load/save, which bring tar-stream) are in image-archive.ts.
 */
export { pullImage, type PullProgress, type PullOptions, type PullResult } from './image/pull.js';
export { pushImage, type PushProgress } from './image/push.js';
export { fetchArtifact, type Artifact, type ArtifactLayer } from './image/artifact-fetch.js';
