/**
 * docker's tabwriter tables: each column as wide as its widest cell plus `padding` spaces, at least
 * `minWidth` (docker compose's formatter uses 20, docker's own 10), the last column not padded, trailing
 * spaces trimmed.
 */
export function renderTable(head: string[], rows: string[][], padding = 3, minWidth = 0): string {
  const cells = [head, ...rows];
  const widths = head.map((_, i) => Math.max(minWidth, Math.max(...cells.map((c) => (c[i] ?? '').length)) + padding));
  return cells.map((c) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('').trimEnd()).join('\n') + '\n';
}
