/** The runtime's public face: src/ imports runtime only through this file. */
export { RuntimeError, wrapError } from './errors.js';
export { paths, pathsFor, type Paths } from './store/paths.js';
export { loadAddon, shimPath, packageRoot } from './sys/native.js';
export { collectHostFacts, type HostFacts } from './sys/host-facts.js';
export { planHostProblems, type Problem } from './sys/prerequisites.js';
