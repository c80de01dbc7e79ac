/**
 * The local driver's driver_opts (type, o, device) as one mount(2) call (pure). Same meaning as Docker's
 * `local` driver: `type: tmpfs` mounts a tmpfs; `type: none` with `o: bind` bind-mounts `device`; any other
 * type (ext4, xfs, nfs, ...) mounts `device` with that filesystem type. Flag words in `o` become mount flags,
 * the rest is passed as filesystem data.
 */
import { RuntimeError } from '../errors.js';

export const MS = { RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, SYNCHRONOUS: 16, NOATIME: 1024, NODIRATIME: 2048, BIND: 4096, REC: 16384, RELATIME: 1 << 21 } as const;

const FLAG_WORDS: Record<string, number> = {
  ro: MS.RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, sync: MS.SYNCHRONOUS,
  noatime: MS.NOATIME, nodiratime: MS.NODIRATIME, relatime: MS.RELATIME, bind: MS.BIND, rbind: MS.BIND | MS.REC,
};
const NO_OP_WORDS = new Set(['rw', 'suid', 'dev', 'exec', 'async', 'defaults']);

export interface MountPlan {
  source: string;
  fstype: string | null;
  flags: number;
  data: string | null;
}

/** undefined when the volume is a plain directory (no driver_opts). */
export function planVolumeMount(volume: string, opts: Record<string, string>): MountPlan | undefined {
  const known = new Set(['type', 'o', 'device']);
  const unknown = Object.keys(opts).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new RuntimeError('E_VOLUME_OPTS', `volume "${volume}": driver_opts ${unknown.join(', ')} not known to the local driver (type, o, device)`);
  if (Object.keys(opts).length === 0) return undefined;
  const type = opts.type;
  if (!type) throw new RuntimeError('E_VOLUME_OPTS', `volume "${volume}": driver_opts need a type (tmpfs, none with o=bind, or a filesystem type)`);
  let flags = 0;
  const data: string[] = [];
  for (const w of (opts.o ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (FLAG_WORDS[w] !== undefined) flags |= FLAG_WORDS[w]!;
    else if (!NO_OP_WORDS.has(w)) data.push(w);
  }
  if (type === 'tmpfs') return { source: opts.device || 'tmpfs', fstype: 'tmpfs', flags, data: data.join(',') || null };
  if (!opts.device) throw new RuntimeError('E_VOLUME_OPTS', `volume "${volume}": driver_opts type=${type} needs a device`);
  if (type === 'none' || (flags & MS.BIND) !== 0) {
    if ((flags & MS.BIND) === 0) throw new RuntimeError('E_VOLUME_OPTS', `volume "${volume}": driver_opts type=none needs o=bind`);
    if (!opts.device.startsWith('/')) throw new RuntimeError('E_VOLUME_OPTS', `volume "${volume}": bind device "${opts.device}" must be an absolute path`);
    return { source: opts.device, fstype: null, flags, data: null };
  }
  return { source: opts.device, fstype: type, flags, data: data.join(',') || null };
}
