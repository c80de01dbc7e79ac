/** Text forms shared by the image commands, matching docker's (go-units HumanSize / HumanDuration). */
import { familiarName, parseReference, type ImageRecord } from '../../../runtime/images.js';
export { humanSize } from '../../progress/human-size.js';

/** "2 days ago", as docker's HumanDuration phrases it. */
export function humanAgo(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'N/A';
  const s = Math.max(0, (now - t) / 1000);
  const h = s / 3600;
  let d: string;
  if (s < 1) d = 'Less than a second';
  else if (s < 60) d = `${Math.floor(s)} second${Math.floor(s) === 1 ? '' : 's'}`;
  else if (s < 3600) d = Math.floor(s / 60) === 1 ? 'About a minute' : `${Math.floor(s / 60)} minutes`;
  else if (h < 1.5) d = 'About an hour';
  else if (h < 48) d = `${Math.round(h)} hours`;
  else if (h < 24 * 7 * 2) d = `${Math.floor(h / 24)} days`;
  else if (h < 24 * 30 * 2) d = `${Math.floor(h / 24 / 7)} weeks`;
  else if (h < 24 * 365 * 2) d = `${Math.floor(h / 24 / 30)} months`;
  else d = `${Math.floor(h / 24 / 365)} years`;
  return `${d} ago`;
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** One row per tag (a dangling image gets one <none> row), as `docker images` lists them. */
export function imageRows(recs: readonly ImageRecord[]): Array<{ repository: string; tag: string; rec: ImageRecord }> {
  const rows: Array<{ repository: string; tag: string; rec: ImageRecord }> = [];
  for (const rec of recs) {
    if (rec.repoTags.length === 0) rows.push({ repository: '<none>', tag: '<none>', rec });
    for (const t of rec.repoTags) {
      const r = parseReference(t);
      rows.push({ repository: familiarName({ domain: r.domain, path: r.path }), tag: r.tag ?? '<none>', rec });
    }
  }
  return rows;
}

/** Left-aligned columns separated by three spaces (docker's tabwriter look). */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]! + 3))).join('').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
