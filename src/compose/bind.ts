/**
 * The `bind` stage: the canonical plain tree becomes the typed Project. This is the only place where
 * the tree is cast to types; everything before works on plain data, everything after on types.
 */
import { isMap } from './canonical/context.js';
import type { Project, ServiceConfig } from './types.js';

export interface BindInfo {
  name: string;
  workingDir: string;
  environment: Record<string, string>;
  configFiles: string[];
  disabled: Record<string, unknown>;
  profiles: string[];
  warnings: string[];
}

function section<T>(v: unknown): Record<string, T> {
  return (isMap(v) ? v : {}) as Record<string, T>;
}

function services(v: unknown): Record<string, ServiceConfig> {
  const out: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(section<Record<string, unknown>>(v))) out[name] = { ...(isMap(s) ? s : {}), name } as ServiceConfig;
  return out;
}

export function bindProject(tree: Record<string, unknown>, info: BindInfo): Project {
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) if (k.startsWith('x-')) extensions[k] = v;
  return {
    name: info.name,
    workingDir: info.workingDir,
    services: services(tree.services),
    networks: section(tree.networks),
    volumes: section(tree.volumes),
    secrets: section(tree.secrets),
    configs: section(tree.configs),
    models: section(tree.models),
    extensions,
    environment: info.environment,
    configFiles: info.configFiles,
    disabledServices: services(info.disabled),
    profiles: info.profiles,
    warnings: info.warnings,
  };
}
