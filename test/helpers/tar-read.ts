/**
 * Reads a tar (optionally gzip) into memory for assertions: entry names, types, modes, link targets
 * and contents, in archive order. For test-sized archives only.
 */
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  linkname: string | undefined;
  data: Buffer;
}

export function isGzip(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

export async function readTar(input: Buffer): Promise<TarEntry[]> {
  const buf = isGzip(input) ? gunzipSync(input) : input;
  const extract = tar.extract();
  const out: TarEntry[] = [];
  const done = new Promise<TarEntry[]>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        out.push({
          name: header.name,
          type: header.type ?? 'file',
          mode: header.mode ?? 0,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          linkname: header.linkname ?? undefined,
          data: Buffer.concat(chunks),
        });
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', () => resolve(out));
    extract.on('error', reject);
  });
  extract.end(buf);
  return done;
}
