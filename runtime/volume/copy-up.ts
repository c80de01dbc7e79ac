/**
 * The image's content at a volume's mount point is copied into a new, empty volume at its first mount
 * (Docker's behaviour), keeping owners, modes, times and symlinks; `nocopy` skips it. Done once per volume:
 * the record remembers it, so a volume emptied on purpose is not refilled.
 */
import { chmodSync, copyFileSync, lchownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, lutimesSync, constants } from 'node:fs';
import path from 'node:path';
import { wrapError } from '../errors.js';
import { requireVolume, withVolumeLock, writeVolume } from './store.js';

/** Copies the tree under `src` into `dst` (which exists); hard links become copies, devices are skipped. */
export function copyTree(src: string, dst: string): void {
  for (const name of readdirSync(src)) {
    const from = path.join(src, name);
    const to = path.join(dst, name);
    const st = lstatSync(from);
    if (st.isDirectory()) {
      mkdirSync(to, { mode: 0o700 });
      copyTree(from, to);
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

/** Returns true when content was copied. The root dir's owner and mode follow the image's directory too. */
export async function populateVolume(name: string, imageDir: string, opts: { nocopy?: boolean } = {}): Promise<boolean> {
  if (opts.nocopy) return false;
  return withVolumeLock(name, () => {
    const v = requireVolume(name);
    if (v.populated) return false;
    let src;
    try { src = lstatSync(imageDir); } catch { return false; } // nothing at that path in the image
    if (!src.isDirectory() || readdirSync(v.mountpoint).length > 0) return false;
    try {
      copyTree(imageDir, v.mountpoint);
      lchownSync(v.mountpoint, src.uid, src.gid);
      chmodSync(v.mountpoint, src.mode & 0o7777);
    } catch (e) {
      throw wrapError(`copy image content into volume "${name}"`, e, 'E_VOLUME_COPY');
    }
    v.populated = true;
    writeVolume(v);
    return true;
  });
}
