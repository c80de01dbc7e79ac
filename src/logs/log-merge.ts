/**
 * Ordering of what several containers logged. Reading the logs of a whole project without --follow, the
 * entries of all containers are merged by their time (stable: equal stamps keep container order, then file
 * order), so the output reads as one timeline and is the same on every run.
 */

export interface Stamped { time: string }

/** Pure: the nanosecond sort key of an RFC3339Nano stamp (Date.parse keeps only milliseconds). */
export function stampKey(time: string): bigint {
  const ms = Date.parse(time);
  if (!Number.isFinite(ms)) return 0n;
  const frac = (/\.(\d+)/.exec(time)?.[1] ?? '').slice(0, 9).padEnd(9, '0');
  return BigInt(Math.floor(ms / 1000)) * 1_000_000_000n + BigInt(frac);
}

/** Pure: a k-way merge of per-source lists, each already in time order, into one list tagged with its source. */
export function mergeByTime<T extends Stamped>(sources: Array<{ source: string; entries: T[] }>): Array<{ source: string; entry: T }> {
  const keyed = sources.map((s) => s.entries.map((e) => stampKey(e.time)));
  const pos = sources.map(() => 0);
  const out: Array<{ source: string; entry: T }> = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < sources.length; i++) {
      if (pos[i]! >= sources[i]!.entries.length) continue;
      if (best < 0 || keyed[i]![pos[i]!]! < keyed[best]![pos[best]!]!) best = i;
    }
    if (best < 0) return out;
    out.push({ source: sources[best]!.source, entry: sources[best]!.entries[pos[best]!]! });
    pos[best]!++;
  }
}
