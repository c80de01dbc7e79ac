/** Volumes, binds, secrets and configs as src/ sees them. */
export * from './volume/index.js';
