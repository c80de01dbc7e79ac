/**
 * The image's content at a volume's mount point is copied into a new, empty volume at its first mount
 * (Docker's behaviour), keeping owners, modes, times and symlinks; `nocopy` skips it. Done once per volume:
 * the record remembers it, so a volume emptied on purpose is not refilled.
 */
import { chmodSync, copyFileSync, lchownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, lutimesSync, constants } from 'node:fs';
import path from 'node:path';
import { wrapError } from '../errors.js';
import { loadAddon } from '../sys/native.js';
import { requireVolume, withVolumeLock, writeVolume } from './store.js';

function isOpaque(dir: string): boolean {
  try {
    const get = loadAddon().lgetxattr;
    return get !== undefined && get(dir, 'trusted.overlay.opaque')?.toString() === 'y';
  } catch {
    return false;
  }
}

/**
 * Copies the tree under `src` into `dst` (which exists); hard links become copies, devices are skipped.
 * `layered`: `src` is one overlay layer laid over what `dst` already has from the layers below, so its
 * whiteouts (0/0 character devices) delete and its opaque directories replace.
 */
export function copyTree(src: string, dst: string, layered = false): void {
  for (const name of readdirSync(src)) {
    const from = path.join(src, name);
    const to = path.join(dst, name);
    const st = lstatSync(from);
    if (layered && st.isCharacterDevice() && st.rdev === 0) {
      rmSync(to, { recursive: true, force: true });
      continue;
    }
    let old;
    try { old = lstatSync(to); } catch { old = undefined; }
    if (old && !(old.isDirectory() && st.isDirectory())) rmSync(to, { recursive: true, force: true });
    if (st.isDirectory()) {
      if (old?.isDirectory() && layered && isOpaque(from)) rmSync(to, { recursive: true, force: true });
      mkdirSync(to, { mode: 0o700, recursive: true });
      copyTree(from, to, layered);
    } else if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(from), to);
    } else if (st.isFile()) {
      copyFileSync(from, to, constants.COPYFILE_FICLONE);
    } else {
      continue; // sockets, fifos and devices in an image volume path are not data
    }
    lchownSync(to, st.uid, st.gid);
    if (!st.isSymbolicLink()) chmodSync(to, st.mode & 0o7777); // after chown: chown clears setuid bits
    lutimesSync(to, st.atime, st.mtime);
  }
}

/**
 * Returns true when content was copied. The root dir's owner and mode follow the image's directory too.
 * `imageDir` is one directory, or the same path in each layer of an image (topmost first), merged as overlay does.
 */
export async function populateVolume(name: string, imageDir: string | string[], opts: { nocopy?: boolean } = {}): Promise<boolean> {
  if (opts.nocopy) return false;
  const dirs = (Array.isArray(imageDir) ? imageDir : [imageDir]).filter((d) => {
    try { return lstatSync(d).isDirectory(); } catch { return false; }
  });
  if (dirs.length === 0) return false; // nothing at that path in the image
  return withVolumeLock(name, () => {
    const v = requireVolume(name);
    if (v.populated) return false;
    if (readdirSync(v.mountpoint).length > 0) return false;
    const top = lstatSync(dirs[0]!);
    try {
      // bottom layer first, each upper one laid over it
      for (const d of [...dirs].reverse()) copyTree(d, v.mountpoint, dirs.length > 1);
      lchownSync(v.mountpoint, top.uid, top.gid);
      chmodSync(v.mountpoint, top.mode & 0o7777);
    } catch (e) {
      throw wrapError(`copy image content into volume "${name}"`, e, 'E_VOLUME_COPY');
    }
    v.populated = true;
    writeVolume(v);
    return true;
  });
}
