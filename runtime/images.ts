/**
 * Images as records and references: parse and print references, list/find/tag/remove images, read their
 * config. Light on purpose (no registry client, no tar machinery) so `image ls`/`inspect`/`rm`/`tag` start
 * fast; pulling, pushing and tarballs are in image-transfer.ts.
 */
export { parseReference, formatReference, familiarName, type ImageRef } from './image/reference.js';
export { parsePlatform, formatPlatform, type Platform } from './image/platform.js';
export { listImages, findImage, requireImage, tagImage, removeImage, type ImageRecord } from './image/image-store.js';
export { pruneImages, type PruneResult } from './image/prune.js';
export { readBlob } from './image/content-store.js';
export { parseImageConfig, type ContainerImageConfig } from './image/image-config.js';
