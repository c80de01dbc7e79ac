/** src/reconcile's public face: observe (types + runtime mapping), plan (pure), conditions, labels. */
export { L, containerName, oneoffName, dependsOnLabel, nextNumbers, serviceLabels, type LabelContext } from './labels.js';
export { emptyObserved, serviceContainers, projectContainers, orphanContainers, numberOf, isOneoff, type ObservedState, type ObservedContainer, type ObservedNetwork, type ObservedVolume, type ObservedStatus, type ObservedHealth } from './observed.js';
export { observedContainerFrom, type ContainerAttachments } from './observed-from-runtime.js';
export { renderPlan, type Plan, type Step, type StepOp, type RecreateCheck, type AwaitCondition } from './plan-model.js';
export { planUp, planScale, planScope, orphanWarning, type UpOptions } from './plan.js';
export { planDown, type DownOptions } from './plan-down.js';
export { planStop, planStart, planRestart, planKill, planRm, type SelectOptions } from './plan-lifecycle.js';
export { networkHash, volumeHash } from './plan-resources.js';
export { checkDependency, checkDependencies, type DependencyVerdict, type WaitCondition } from './conditions.js';
export type { RecreatePolicy } from './recreate-checks.js';
