/**
 * The part of Go's text/template that `--format` strings use in docker's CLIs: `{{.Field}}`, `{{json .}}`,
 * `{{json .Field}}`, `{{upper .Field}}`, `{{lower .Field}}`, literal `\t` and `\n` turned into tab and
 * newline, and the `table ` prefix, which adds a header row and aligns columns as docker's tabwriter
 * does (cells padded to the widest plus three spaces, at least ten wide). Anything else is a usage error
 * naming the action, rather than output that silently differs.
 */
import { usageError } from '../../errors.js';

type Row = Record<string, unknown>;

const ACTION = /\{\{\s*(?:(json|upper|lower|title)\s+)?\.([A-Za-z_][A-Za-z0-9_]*)?\s*\}\}/g;

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function apply(fn: string | undefined, v: unknown): string {
  switch (fn) {
    case 'json': return JSON.stringify(v ?? null);
    case 'upper': return text(v).toUpperCase();
    case 'lower': return text(v).toLowerCase();
    case 'title': return text(v).replace(/\b\w/g, (c) => c.toUpperCase());
    default: return text(v);
  }
}

/** Pure: checks every action of a template once, so a typo fails before any output. */
export function checkTemplate(template: string, fields: string[]): void {
  const rest = template.replace(ACTION, (m, _fn: string | undefined, field: string | undefined) => {
    if (field !== undefined && !fields.includes(field)) throw usageError(`template: can't evaluate field ${field} (known: ${fields.join(', ')})`);
    return '';
  });
  const bad = /\{\{[^}]*\}\}/.exec(rest);
  if (bad) throw usageError(`template: unsupported action ${bad[0]} (supported: {{.Field}}, {{json .}}, {{json .Field}}, {{upper .Field}}, {{lower .Field}})`);
}

/** Pure: one row through the template (no `table` handling). */
export function executeTemplate(template: string, row: Row): string {
  return template.replace(ACTION, (_m, fn: string | undefined, field: string | undefined) => apply(fn, field === undefined ? row : row[field]));
}

/** Pure: rows through a docker `--format` value; `headers` names the columns of `table` formats. */
export function renderTemplate(format: string, rows: Row[], headers: Record<string, string>, fields: string[]): string {
  const isTable = format.startsWith('table');
  const body = (isTable ? format.slice('table'.length) : format).trim().replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  checkTemplate(body, fields);
  const lines = rows.map((r) => executeTemplate(body, r));
  if (!isTable) return lines.map((l) => `${l}\n`).join('');
  const head = executeTemplate(body.replace(ACTION, (_m, _fn, field: string | undefined) => (field === undefined ? '' : headers[field] ?? field.toUpperCase())), {});
  const table = [head, ...lines].map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const cells of table) cells.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return table.map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(Math.max(widths[i]! + 3, 10)))).join('').trimEnd() + '\n').join('');
}
