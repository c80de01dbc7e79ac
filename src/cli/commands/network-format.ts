/** Shared text forms of the network and volume commands (docker's columns, key=value flag lists). */
import { usageError } from '../../errors.js';

/** Fixed-width columns separated by three spaces, as docker's tabwriter prints them. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

/** `--label k=v` / `-o k=v` lists into a map; a bare key means an empty value. */
export function parseKeyValues(flag: string, list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (Array.isArray(list) ? list : []) as string[]) {
    const eq = item.indexOf('=');
    const k = eq < 0 ? item : item.slice(0, eq);
    if (!k) throw usageError(`invalid ${flag} "${item}": expected key=value`);
    out[k] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return out;
}

/** `--filter label=k=v` (repeatable) into label requirements; other filters are refused clearly. */
export function parseLabelFilters(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of (Array.isArray(list) ? list : []) as string[]) {
    const m = /^label=([^=]+)(?:=(.*))?$/.exec(f);
    if (!m) throw usageError(`invalid filter "${f}": only label=KEY=VALUE is supported`);
    out[m[1]!] = m[2] ?? '';
  }
  return out;
}

/** Runs `fn` for each argument; a user-facing failure is printed and makes the exit code 1. */
export async function eachArg(args: string[], stderr: NodeJS.WritableStream, fn: (a: string) => Promise<void>): Promise<number> {
  let code = 0;
  for (const a of args) {
    try {
      await fn(a);
    } catch (e) {
      if ((e as { userFacing?: boolean }).userFacing !== true) throw e;
      stderr.write(`Error response: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  return code;
}
