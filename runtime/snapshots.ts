/** What a container is made from: an image's facts for the spec, and its overlay root file system. */
export { imageFactsFor, resolveImageFacts } from './image/image-facts.js';
export { prepareContainerLayer, mountOverlay, unmountOverlay, removeContainerLayer, planOverlayOptions } from './snapshot/overlay.js';
