/** runtime/container's public face (re-exported by runtime/index.ts). */
export { createContainer, runContainer, type CreateOptions } from './create.js';
export { attachContainer, attachStdin, resizeContainer } from './attach.js';
export { startContainer, stopContainer, killContainer, restartContainer, pauseContainer, unpauseContainer, waitContainer, type StopOptions, type WaitResult } from './lifecycle.js';
export { removeContainer } from './remove.js';
export { listContainers, matchesLabels } from './list.js';
export { inspectContainer, renderInspectState, type InspectState } from './inspect.js';
export { readLogs, type LogEntry, type LogOptions } from './logs.js';
export { spawnExec, execCapture, planExecArgs, type ExecOptions } from './exec.js';
export { topContainer, bootTime, type TopRow } from './top.js';
export { statsContainer, type StatsSample } from './stats.js';
export { copyToContainer, copyFromContainer } from './cp.js';
export { buildOciConfig, type OciFacts } from './oci-spec.js';
export { buildShimOptions, type ShimOptions } from './shim-options.js';
export { parseSignal } from './signals.js';
