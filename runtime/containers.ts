/** Containers as src/ sees them: lifecycle, listing, logs, exec, and the spec types they are made from. */
export * from './container/index.js';
export type { ContainerSpec, ImageFacts, HealthcheckSpec, MountSpec, DeviceSpec, UlimitSpec, NamespaceMode, FileSource, ContainerStatus, ShimState, HealthState, ContainerSummary } from './types.js';
