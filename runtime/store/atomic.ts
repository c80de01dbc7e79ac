/**
 * Small JSON state files, written so a reader never sees half a file: write `<file>.tmp`, fsync, rename,
 * then fsync the directory so the rename itself survives a crash.
 */
import { openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';

export interface AtomicOptions {
  mode?: number;
  /**
   * fsync file and directory (default). Files that are worthless after a crash anyway (a bundle being created)
   * skip it: on a busy disk three fsyncs cost more than the whole container start.
   */
  durable?: boolean;
}

export function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicOptions = {}): void {
  const durable = opts.durable ?? true;
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', opts.mode ?? 0o644);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (durable) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  if (!durable) return;
  try {
    const dfd = openSync(path.dirname(file), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* some filesystems refuse fsync on a directory; the rename is still atomic */ }
}

export function writeJsonAtomic(file: string, value: unknown, opts: AtomicOptions = {}): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, opts);
}

/** The parsed file, or undefined when it does not exist. A corrupt file is an error (it names the file). */
export function readJsonIfExists<T>(file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
  }
}
