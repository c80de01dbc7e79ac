/** Volumes, secrets and configs: the face runtime/index.ts re-exports. */
export { createVolume, inspectVolume, acquireVolume, releaseVolume, removeVolume, pruneVolumes, listVolumes, requireVolume, requireExternalVolume, type VolumePruneOptions } from './volume.js';
export { populateVolume, copyTree } from './copy-up.js';
export { execMaterialiseSecret, planSecretTarget, planSecretContent, type SecretRequest, type SecretSource, type MaterialisedSecret } from './secrets.js';
export { planVolumeMount, type MountPlan } from './mount-plan.js';
export type { VolumeRecord, VolumeCreateOptions } from './types.js';
export { planBindOptions, execPrepareBindSource, execResolveSubpath, type BindOptionsInput } from './bind.js';
