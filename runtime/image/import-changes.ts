/**
 * `image import --change`: the Dockerfile instructions docker import accepts that only touch the config
 * (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR), applied in order. Pure.
 */
import { RuntimeError } from '../errors.js';

export interface ImportedConfig {
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  User?: string;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
}

/** JSON form (`["a","b"]`) or shell form (`/bin/sh -c "…"`), as Dockerfile CMD/ENTRYPOINT read them. */
function commandOf(rest: string, what: string, instr: string): string[] {
  if (rest.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(rest);
    } catch {
      throw new RuntimeError('E_IMAGE_IMPORT', `${what}: --change "${instr}": not a JSON array`);
    }
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: --change "${instr}": want a JSON array of strings`);
    return v as string[];
  }
  return ['/bin/sh', '-c', rest];
}

/** KEY=VALUE pairs (values may be double-quoted) or the legacy `KEY VALUE` form. */
function pairsOf(rest: string): Array<[string, string]> {
  if (!/^[^\s=]+=/.test(rest)) {
    const m = /^(\S+)\s+(.*)$/.exec(rest);
    return m ? [[m[1]!, m[2]!]] : [];
  }
  const out: Array<[string, string]> = [];
  for (const m of rest.matchAll(/([^\s=]+)=("((?:[^"\\]|\\.)*)"|\S*)/g)) out.push([m[1]!, m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!]);
  return out;
}

export function applyChanges(changes: readonly string[], what: string): ImportedConfig {
  const c: ImportedConfig = {};
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*\S)\s*$/.exec(change);
    if (!m) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: --change "${change}": want INSTRUCTION ARGUMENTS`);
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!;
    switch (instr) {
      case 'CMD': c.Cmd = commandOf(rest, what, change); break;
      case 'ENTRYPOINT': c.Entrypoint = commandOf(rest, what, change); break;
      case 'ENV': {
        const env = new Map((c.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e] as const));
        for (const [k, v] of pairsOf(rest)) env.set(k, `${k}=${v}`);
        c.Env = [...env.values()];
        break;
      }
      case 'LABEL': for (const [k, v] of pairsOf(rest)) (c.Labels ??= {})[k] = v; break;
      case 'EXPOSE':
        for (const p of rest.split(/\s+/)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new RuntimeError('E_IMAGE_IMPORT', `${what}: --change "${change}": bad port "${p}"`);
          (c.ExposedPorts ??= {})[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        break;
      case 'VOLUME': for (const v of rest.startsWith('[') ? commandOf(rest, what, change) : rest.split(/\s+/)) (c.Volumes ??= {})[v] = {}; break;
      case 'STOPSIGNAL': c.StopSignal = rest; break;
      case 'USER': c.User = rest; break;
      case 'WORKDIR': c.WorkingDir = rest; break;
      default: throw new RuntimeError('E_IMAGE_IMPORT', `${what}: --change "${change}": ${instr} is not supported by import`, { hint: 'use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR' });
    }
  }
  return c;
}
