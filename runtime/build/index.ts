/** runtime/build's public face (re-exported by runtime/index.ts): run a planned image build. */
export type * from './types.js';
export { execBuild, type BuildEvent, type BuildRequest, type BuildResult } from './exec-build.js';
export { runFailedMessage } from './run-step.js';
