/**
 * `extends`: a service starts from another service (same file, or `file:` relative to the working
 * directory) and merges its own keys over it with the multi-file merge rules. Chains resolve
 * recursively; a cycle is an error listing it. Only the service is imported, never the other file's
 * networks, volumes or services it refers to.
 *
 * Relative paths inside an extended file belong to that file's folder, so they are rebased (as paths
 * relative to the working directory, like compose-go) before merging: build context and
 * additional_contexts, env_file, label_file, extends.file, develop.watch paths, bind mount sources.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { mergeService } from './merge.js';
import { Override } from './markers.js';

export interface ExtendsContext {
  /** The file the tree comes from (messages, cycle reports). */
  file: string;
  /** Absolute project working directory: `extends.file` is relative to it. */
  workingDir: string;
  /** Loads another Compose file (absolute path), parsed and interpolated. */
  loadFile: (path: string) => unknown;
  /**
   * Maps an `extends.file` reference to the absolute local path to load (remote resource loaders
   * plug in here). Default: relative to the working directory.
   */
  resolveFile?: (ref: string, workingDir: string) => string;
  /** References a resource loader serves (oci://, git URLs): never rebased as relative paths. */
  isRemote?: (ref: string) => boolean;
  /** Called once per extends reference resolved (docker compose's "extends" event). */
  onExtends?: (ref: { service: string; file?: string }) => void;
}

type Tree = Record<string, unknown>;
type Ref = { file: string; service: string };

function isMapping(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Override);
}

function err(msg: string): UserError {
  return new UserError('E_EXTENDS', msg);
}

const REMOTE_CONTEXT_RE = /^(https?:\/\/|git:\/\/|ssh:\/\/|github\.com\/|git@)/;

/** Rebases the relative paths of services loaded from `fileDir` onto `workingDir`. */
class Rebaser {
  constructor(readonly fileDir: string, readonly workingDir: string, readonly isRemote: (ref: string) => boolean = () => false) {}

  path(p: unknown): unknown {
    if (typeof p !== 'string' || p === '' || isAbsolute(p) || p.startsWith('~')) return p;
    return relative(this.workingDir, resolve(this.fileDir, p)) || '.';
  }

  context(p: unknown): unknown {
    if (typeof p !== 'string' || p.includes('://') || p.startsWith('service:') || REMOTE_CONTEXT_RE.test(p)) return p;
    return this.path(p);
  }

  /** Short volume syntax keeps a leading `./` so that the source still reads as a path. */
  volume(v: unknown): unknown {
    if (typeof v === 'string') {
      const colon = v.indexOf(':');
      const src = colon < 0 ? v : v.slice(0, colon);
      if (colon < 0 || !src.startsWith('.')) return v;
      const rebased = this.path(src) as string;
      const shown = rebased.startsWith('.') || rebased.startsWith('/') ? rebased : `./${rebased}`;
      return shown + v.slice(colon);
    }
    if (isMapping(v) && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: this.path(v.source) };
    return v;
  }

  envFile(v: unknown): unknown {
    if (typeof v === 'string') return this.path(v);
    if (Array.isArray(v)) return v.map((e) => (isMapping(e) ? { ...e, path: this.path(e.path) } : this.path(e)));
    return v;
  }

  service(s: unknown): unknown {
    if (!isMapping(s)) return s;
    const out: Tree = { ...s };
    if (typeof out.build === 'string') out.build = this.context(out.build);
    else if (isMapping(out.build)) {
      const b: Tree = { ...out.build };
      if ('context' in b) b.context = this.context(b.context);
      if (isMapping(b.additional_contexts)) {
        b.additional_contexts = Object.fromEntries(Object.entries(b.additional_contexts).map(([k, c]) => [k, this.context(c)]));
      } else if (Array.isArray(b.additional_contexts)) {
        b.additional_contexts = b.additional_contexts.map((e) => {
          if (typeof e !== 'string' || !e.includes('=')) return e;
          const eq = e.indexOf('=');
          return `${e.slice(0, eq)}=${this.context(e.slice(eq + 1)) as string}`;
        });
      }
      out.build = b;
    }
    if ('env_file' in out) out.env_file = this.envFile(out.env_file);
    if ('label_file' in out) out.label_file = Array.isArray(out.label_file) ? out.label_file.map((p) => this.path(p)) : this.path(out.label_file);
    if (isMapping(out.extends) && typeof out.extends.file === 'string' && !this.isRemote(out.extends.file)) out.extends = { ...out.extends, file: this.path(out.extends.file) };
    if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => this.volume(v));
    if (isMapping(out.develop) && Array.isArray(out.develop.watch)) {
      out.develop = { ...out.develop, watch: out.develop.watch.map((w) => (isMapping(w) ? { ...w, path: this.path(w.path) } : w)) };
    }
    return out;
  }
}

class ExtendsResolver {
  /** Services of other files, rebased, by absolute path. */
  private readonly files = new Map<string, Tree>();

  constructor(readonly ctx: ExtendsContext) {}

  servicesOf(path: string, extending: string, currentFile: string, ref: string, shown: string): Tree {
    let services = this.files.get(path);
    if (!services) {
      const tree = this.ctx.loadFile(path);
      if (!isMapping(tree) || !('services' in tree)) throw err(`cannot extend service "${extending}" in ${path}: no services section`);
      if (!isMapping(tree.services)) throw err(`cannot extend service "${extending}" in ${path}: services must be a mapping`);
      const rebaser = new Rebaser(dirname(path), this.ctx.workingDir, this.ctx.isRemote);
      services = {};
      for (const [name, s] of Object.entries(tree.services)) services[name] = rebaser.service(s);
      this.files.set(path, services);
    }
    if (!(ref in services)) {
      throw err(`cannot extend service "${extending}" in ${currentFile}: service "${ref}" not found in ${shown}`);
    }
    return services;
  }

  /** The service `name` of `services` (declared in `file`) with its extends chain applied. */
  resolve(name: string, services: Tree, file: string, chain: Ref[]): unknown {
    const svc = services[name];
    if (svc === null || svc === undefined) return svc;
    if (!isMapping(svc)) throw err(`services.${name} must be a mapping`);
    const ext = svc.extends;
    if (ext === undefined) return svc;
    let ref: string;
    let refFile: string | undefined;
    if (typeof ext === 'string') ref = ext;
    else if (isMapping(ext)) {
      if (typeof ext.service !== 'string') throw err(`extends.${name}.service is required`);
      ref = ext.service;
      if (ext.file !== undefined && ext.file !== null) refFile = String(ext.file);
    } else throw err(`services.${name}.extends must be a string or a mapping`);
    this.ctx.onExtends?.(refFile === undefined ? { service: ref } : { service: ref, file: refFile });

    let baseServices = services;
    let baseFile = file;
    if (refFile !== undefined) {
      baseFile = this.ctx.resolveFile ? this.ctx.resolveFile(refFile, this.ctx.workingDir)
        : isAbsolute(refFile) ? refFile : resolve(this.ctx.workingDir, refFile);
      baseServices = this.servicesOf(baseFile, name, file, ref, refFile);
    } else if (!(ref in services)) {
      throw err(`cannot extend service "${name}" in ${file}: service "${ref}" not found`);
    }

    const here = { file, service: name };
    const next = [...chain, here];
    if (chain.some((r) => r.file === here.file && r.service === here.service)) throw circular(next);
    const base = this.resolve(ref, baseServices, baseFile, next);
    if (base === null || base === undefined) {
      const { extends: _drop, ...rest } = svc;
      return rest;
    }
    const merged = mergeService(base, svc, name, { keepMarkers: true }) as Tree;
    delete merged.extends;
    if (baseServices === services) services[ref] = base;
    return merged;
  }
}

function circular(chain: Ref[]): UserError {
  const [first, ...rest] = chain;
  const lines = ['Circular reference:', `  ${first!.service} in ${first!.file}`];
  for (const r of rest) lines.push(`  extends ${r.service} in ${r.file}`);
  return err(lines.join('\n'));
}

/** Resolves every `extends` of the tree's services; returns a new tree (the input is not modified). */
export function applyExtends(tree: unknown, ctx: ExtendsContext): unknown {
  if (!isMapping(tree) || !('services' in tree)) return tree;
  if (!isMapping(tree.services)) throw err('services must be a mapping');
  const services: Tree = { ...tree.services };
  const resolver = new ExtendsResolver(ctx);
  for (const name of Object.keys(services)) services[name] = resolver.resolve(name, services, ctx.file, []);
  return { ...tree, services };
}
