/**
 * Service volumes: the short syntax `[source:]target[:options]` becomes a long-form mount. A source
 * that looks like a path (., /, ~) is a bind mount, otherwise a named volume; options `ro`/`rw`,
 * SELinux `z`/`Z`, propagation and `nocopy` land in their long-form fields.
 */
import { bytes } from './bytes.js';
import { child, invalid, isMap, type CanonContext, type Normaliser } from './context.js';

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

export function isPathLike(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~') || /^[a-zA-Z]:[\\/]/.test(source) || source.startsWith('\\\\');
}

/** Splits on ':' but keeps a Windows drive letter (`C:\data`) with its path. */
function splitVolume(spec: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i]!;
    const drive = ch === ':' && cur.length === 1 && /[a-zA-Z]/.test(cur) && /[\\/]/.test(spec[i + 1] ?? '');
    if (ch === ':' && !drive) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function parseVolumeShort(spec: string, ctx: CanonContext): Record<string, unknown> {
  const parts = splitVolume(spec);
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalid(ctx, `invalid volume "${spec}": expected [source:]target[:options]`);
  if (parts.length === 1) return { type: 'volume', target: parts[0], volume: {} };
  const [source, target, mode] = parts as [string, string, string | undefined];
  const bind = isPathLike(source);
  const out: Record<string, unknown> = { type: bind ? 'bind' : 'volume', source, target };
  const bindOpts: Record<string, unknown> = {};
  const volOpts: Record<string, unknown> = {};
  for (const opt of (mode ?? '').split(',').filter((o) => o !== '')) {
    if (opt === 'ro') out.read_only = true;
    else if (opt === 'rw') out.read_only = false;
    else if (opt === 'z' || opt === 'Z') bindOpts.selinux = opt;
    else if (PROPAGATION.has(opt)) bindOpts.propagation = opt;
    else if (opt === 'nocopy') volOpts.nocopy = true;
    else if (opt === 'cached' || opt === 'delegated' || opt === 'consistent') out.consistency = opt;
    else throw invalid(ctx, `invalid volume "${spec}": unknown option "${opt}"`);
  }
  if (out.read_only === false) delete out.read_only;
  if (bind) out.bind = { ...bindOpts, create_host_path: true };
  else out.volume = volOpts;
  return out;
}

function longVolume(v: Record<string, unknown>, ctx: CanonContext): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  if (isMap(v.tmpfs) && v.tmpfs.size !== undefined) out.tmpfs = { ...v.tmpfs, size: bytes(v.tmpfs.size, child(child(ctx, 'tmpfs'), 'size')) };
  if (out.type === 'volume' && out.volume === undefined) out.volume = {};
  // A bind section without create_host_path keeps docker's default: create the host path.
  if (isMap(v.bind) && v.bind.create_host_path === undefined) out.bind = { ...v.bind, create_host_path: true };
  return out;
}

export const serviceVolumes: Normaliser = (v, ctx) => {
  if (!Array.isArray(v)) return v;
  return v.map((x, i) => {
    const c = child(ctx, i);
    if (typeof x === 'string') return parseVolumeShort(x, c);
    if (isMap(x)) return longVolume(x, c);
    throw invalid(c, 'expected a volume string or mapping');
  });
};
