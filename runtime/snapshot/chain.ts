/** Chain ids as the OCI image spec defines them: chain(0)=diff(0), chain(n)=sha256(chain(n-1) + " " + diff(n)). Pure. */
import { createHash } from 'node:crypto';

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}
