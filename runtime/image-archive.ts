/** Images in and out of tarballs (docker-archive and OCI layout): `image load` and `image save`. */
export { loadImages, saveImages } from './image/load-save.js';
export { importImage, type ImportOptions } from './image/import.js';
