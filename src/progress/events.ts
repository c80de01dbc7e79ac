/**
 * Progress events, as docker compose emits them: one resource per line, identified as "<Kind> <name>"
 * ("Container demo-web-1", "Network demo_default", "Image busybox"); "Compose" for project-wide messages.
 * The core emits; renderers (plain, json, quiet, tty) are swappable and chosen by --progress.
 */
export type ResourceStatus = 'Working' | 'Done' | 'Warning' | 'Error';

export interface ProgressEvent {
  id: string;
  parentId?: string;
  status: ResourceStatus;
  text: string;
  details?: string;
  current?: number;
  total?: number;
  percent?: number;
}

export interface Renderer {
  /** The operation title for the tty header ("Running", "Stopping", …). */
  start(operation: string): void;
  event(e: ProgressEvent): void;
  /** Flushes and releases the terminal. */
  stop(): void;
}

/** Helpers for the texts docker compose uses, so callers never spell them twice. */
export const working = (id: string, text: string, details?: string): ProgressEvent => ({ id, status: 'Working', text, details });
export const done = (id: string, text: string, details?: string): ProgressEvent => ({ id, status: 'Done', text, details });
export const warning = (id: string, text: string, details?: string): ProgressEvent => ({ id, status: 'Warning', text, details });
export const failed = (id: string, text: string, details?: string): ProgressEvent => ({ id, status: 'Error', text, details });
