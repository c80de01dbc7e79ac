/** This host's facts and what it lacks for tscompose (doctor), and where the native parts are. */
export { loadAddon, shimPath, packageRoot } from './sys/native.js';
export { collectHostFacts, type HostFacts } from './sys/host-facts.js';
export { planHostProblems, type Problem } from './sys/prerequisites.js';
