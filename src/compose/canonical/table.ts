/**
 * The `canonical` stage: every short syntax becomes its long form. Which normaliser applies where is
 * a table keyed by tree path (`services.*.ports`), not a chain of branches; rows run in order, so a
 * row may rely on an earlier one (build string → mapping first, then its fields).
 */
import { bytes } from './bytes.js';
import { shellCommand } from './command.js';
import { InvalidValueError, listOfStrings, mapOfStrings, stringToList, type CanonContext, type Normaliser, isMap } from './context.js';
import { cpus, deploy, gpus, hook, hooks, pullPolicy } from './deploy.js';
import { dependsOn } from './depends-on.js';
import { devices } from './devices.js';
import { duration } from './durations.js';
import { envFile } from './env-file.js';
import { extraHosts } from './extra-hosts.js';
import { healthcheck } from './healthcheck.js';
import { envMapping, labels } from './labels.js';
import { resource, serviceModels, serviceNetworks } from './networks.js';
import { expose, ports } from './ports.js';
import { fileReferences, serviceSecrets } from './secrets-configs.js';
import { ulimits } from './ulimits.js';
import { serviceVolumes } from './volumes.js';
import { build } from './build.js';

export const CANONICAL_TABLE: ReadonlyArray<readonly [string, Normaliser]> = [
  ['services.*.build', build],
  ['services.*.command', shellCommand],
  ['services.*.entrypoint', shellCommand],
  ['services.*.healthcheck', healthcheck],
  ['services.*.environment', envMapping],
  ['services.*.env_file', envFile],
  ['services.*.label_file', stringToList],
  ['services.*.labels', labels],
  ['services.*.annotations', labels],
  ['services.*.sysctls', labels],
  ['services.*.storage_opt', mapOfStrings],
  ['services.*.ports', ports],
  ['services.*.expose', expose],
  ['services.*.volumes', serviceVolumes],
  ['services.*.tmpfs', stringToList],
  ['services.*.depends_on', dependsOn],
  ['services.*.networks', serviceNetworks],
  ['services.*.models', serviceModels],
  ['services.*.secrets', serviceSecrets],
  ['services.*.configs', fileReferences],
  ['services.*.devices', devices],
  ['services.*.extra_hosts', extraHosts],
  ['services.*.ulimits', ulimits],
  ['services.*.dns', stringToList],
  ['services.*.dns_search', stringToList],
  ['services.*.dns_opt', stringToList],
  ['services.*.group_add', listOfStrings],
  ['services.*.stop_grace_period', duration],
  ['services.*.mem_limit', bytes],
  ['services.*.mem_reservation', bytes],
  ['services.*.memswap_limit', bytes],
  ['services.*.shm_size', bytes],
  ['services.*.cpus', cpus],
  ['services.*.gpus', gpus],
  ['services.*.deploy', deploy],
  ['services.*.pull_policy', pullPolicy],
  ['services.*.logging.options', mapOfStrings],
  ['services.*.post_start', hooks(shellCommand, envMapping)],
  ['services.*.pre_stop', hooks(shellCommand, envMapping)],
  ['services.*.pre_start', hooks(shellCommand, envMapping)],
  ['services.*.networks.*.driver_opts', mapOfStrings],
  ['services.*.develop.watch.*.ignore', stringToList],
  ['services.*.develop.watch.*.include', stringToList],
  ['services.*.develop.watch.*.exec', hook(shellCommand, envMapping)],
  ['networks.*', resource],
  ['networks.*.labels', labels],
  ['networks.*.driver_opts', mapOfStrings],
  ['volumes.*', resource],
  ['volumes.*.labels', labels],
  ['volumes.*.driver_opts', mapOfStrings],
  ['secrets.*', resource],
  ['secrets.*.labels', labels],
  ['configs.*', resource],
  ['configs.*.labels', labels],
];

type Node = Record<string, unknown> | unknown[];

/**
 * Applies fn to every value the pattern reaches from node (`*` = every key or index; x-* keys are
 * extensions and skipped); missing keys are left alone. `path` is the path of node; arrays for
 * messages are only built when a normaliser actually runs.
 */
function applyAt(node: Node, segs: readonly string[], i: number, path: (string | number)[], fn: Normaliser, warn: CanonContext['warn'], lenient: boolean): void {
  const seg = segs[i]!;
  if (seg !== '*') {
    if (!Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, seg)) visit(node as Record<string, unknown>, seg, segs, i, path, fn, warn, lenient);
  } else if (Array.isArray(node)) {
    for (let k = 0; k < node.length; k++) visit(node as unknown as Record<number, unknown>, k, segs, i, path, fn, warn, lenient);
  } else {
    for (const k in node) if (!k.startsWith('x-')) visit(node, k, segs, i, path, fn, warn, lenient);
  }
}

function visit(rec: Record<string | number, unknown>, k: string | number, segs: readonly string[], i: number, path: (string | number)[], fn: Normaliser, warn: CanonContext['warn'], lenient: boolean): void {
  const value = rec[k];
  if (value === undefined) return;
  if (i === segs.length - 1) {
    try {
      rec[k] = fn(value, { path: [...path, k], warn });
    } catch (e) {
      // Uninterpolated values (`config --no-interpolate`) may not parse: keep them as written.
      if (!lenient || !(e instanceof InvalidValueError)) throw e;
    }
  } else if (typeof value === 'object' && value !== null) {
    path.push(k);
    applyAt(value as Node, segs, i + 1, path, fn, warn, lenient);
    path.pop();
  }
}

/** Rows under `services.*.` are grouped by service attribute so each service is visited once. */
interface Compiled { service: Map<string, Array<[string[], Normaliser]>>; other: Array<[string[], Normaliser]> }

const COMPILED: Compiled = (() => {
  const service = new Map<string, Array<[string[], Normaliser]>>();
  const other: Array<[string[], Normaliser]> = [];
  for (const [pattern, fn] of CANONICAL_TABLE) {
    const segs = pattern.split('.');
    if (segs[0] === 'services' && segs[1] === '*') {
      const rest = segs.slice(2);
      const list = service.get(rest[0]!) ?? [];
      list.push([rest, fn]);
      service.set(rest[0]!, list);
    } else other.push([segs, fn]);
  }
  return { service, other };
})();

/**
 * Canonicalises the tree in place (the caller owns it) and returns it. lenient: values that do not
 * parse are kept as written instead of failing (used when interpolation was skipped).
 */
export function canonicalize(tree: Record<string, unknown>, warn: CanonContext['warn'] = () => {}, lenient = false): Record<string, unknown> {
  const services = tree.services;
  if (isMap(services)) {
    for (const name in services) {
      const svc = services[name];
      if (!isMap(svc) || name.startsWith('x-')) continue;
      const path: (string | number)[] = ['services', name];
      for (const key in svc) {
        const rows = COMPILED.service.get(key);
        if (rows) for (const [segs, fn] of rows) applyAt(svc, segs, 0, path, fn, warn, lenient);
      }
    }
  }
  for (const [segs, fn] of COMPILED.other) applyAt(tree, segs, 0, [], fn, warn, lenient);
  return tree;
}
