/**
 * The few file operations Node's fs lacks that unpacking needs: mknod (devices, fifos, overlay whiteouts)
 * and setting extended attributes without following symlinks (opaque directories, file capabilities).
 * The addon (runtime/sys) is preferred when it exports them; otherwise the host's mknod(1) and python3's
 * os.setxattr are used — slower, but these entries are rare in real layers.
 */
import { spawnSync } from 'node:child_process';
import { RuntimeError } from '../errors.js';
import { loadAddon } from '../sys/native.js';

export interface SpecialFs {
  mknod(file: string, kind: 'c' | 'b' | 'p', mode: number, major: number, minor: number): void;
  lsetxattr(file: string, name: string, value: Buffer): void;
}

interface MaybeAddon {
  mknod?: (file: string, mode: number, major: number, minor: number) => void;
  lsetxattr?: (file: string, name: string, value: Buffer) => void;
}

function addonOps(): MaybeAddon {
  try {
    return loadAddon() as unknown as MaybeAddon;
  } catch {
    return {};
  }
}

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

function run(cmd: string, args: string[], what: string, input?: Buffer): void {
  const r = spawnSync(cmd, args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
  if (r.error || r.status !== 0) {
    const msg = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : r.stderr.toString().trim().split('\n').pop();
    throw new RuntimeError('E_SPECIAL_FILE', `${what}: ${msg}`);
  }
}

export const hostSpecialFs: SpecialFs = {
  mknod(file, kind, mode, major, minor) {
    const a = addonOps();
    if (a.mknod) {
      const type = kind === 'c' ? S_IFCHR : kind === 'b' ? S_IFBLK : S_IFIFO;
      a.mknod(file, type | (mode & 0o7777), major, minor);
      return;
    }
    const args = ['-m', (mode & 0o7777).toString(8), file, kind];
    if (kind !== 'p') args.push(String(major), String(minor));
    run('mknod', args, `mknod ${file}`);
  },
  lsetxattr(file, name, value) {
    const a = addonOps();
    if (a.lsetxattr) {
      a.lsetxattr(file, name, value);
      return;
    }
    const py = 'import os,sys\nos.setxattr(sys.argv[1], sys.argv[2], sys.stdin.buffer.read(), follow_symlinks=False)';
    run('python3', ['-c', py, file, name], `set xattr ${name} on ${file}`, value);
  },
};
