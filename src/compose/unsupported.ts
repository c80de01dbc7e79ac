/**
 * Fields the runtime does not honour yet. Each present field gets exactly one warning naming it
 * (`service "web": ignoring userns_mode`), never silence; the list is a table so that adding support
 * for a field is deleting its row.
 */
import { isMap } from './canonical/context.js';

/** Service attributes (dotted paths inside a service) and why they are ignored. */
export const UNSUPPORTED_SERVICE_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['blkio_config', 'no blkio cgroup controls yet'],
  ['cpu_count', 'Windows only'],
  ['cpu_percent', 'Windows only'],
  ['cpu_rt_period', 'no realtime scheduling support'],
  ['cpu_rt_runtime', 'no realtime scheduling support'],
  ['credential_spec', 'Windows only'],
  ['isolation', 'Windows only'],
  ['device_cgroup_rules', 'no device cgroup rules yet'],
  ['gpus', 'no GPU support'],
  ['models', 'no model runner'],
  ['provider', 'no provider plugins'],
  ['storage_opt', 'no storage driver options'],
  ['use_api_socket', 'there is no engine API socket'],
  ['userns_mode', 'no user namespace remapping yet'],
  ['platform', 'only the host platform runs'],
  ['deploy.placement', 'single host'],
  ['deploy.update_config', 'single host, no rolling updates'],
  ['deploy.rollback_config', 'single host, no rolling updates'],
  ['deploy.endpoint_mode', 'single host'],
  ['deploy.resources.reservations.devices', 'no device reservations'],
  ['deploy.resources.reservations.generic_resources', 'no generic resources'],
];

/** Top-level sections the runtime does not use yet. */
export const UNSUPPORTED_TOP_LEVEL: ReadonlyArray<readonly [string, string]> = [
  ['models', 'no model runner'],
];

const SPLIT = new Map(UNSUPPORTED_SERVICE_FIELDS.map(([f]) => [f, f.split('.')]));

function present(obj: unknown, dotted: string): boolean {
  let node = obj;
  for (const seg of SPLIT.get(dotted) ?? dotted.split('.')) {
    if (!isMap(node) || node[seg] === undefined || node[seg] === null) return false;
    node = node[seg];
  }
  if (Array.isArray(node) && node.length === 0) return false;
  return !(isMap(node) && Object.keys(node).length === 0);
}

/** One warning per present unsupported field, services in name order. */
export function collectUnsupported(tree: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  const services = isMap(tree.services) ? tree.services : {};
  for (const name of Object.keys(services).sort()) {
    for (const [field] of UNSUPPORTED_SERVICE_FIELDS) {
      if (present(services[name], field)) warnings.push(`service "${name}": ignoring ${field}`);
    }
  }
  for (const [field] of UNSUPPORTED_TOP_LEVEL) if (present(tree, field)) warnings.push(`ignoring top-level ${field}`);
  return warnings;
}
