/**
 * docker compose's log presentation: `name  | line`, the name padded to the longest name registered so far
 * plus one (every prefix re-pads when a longer name joins), one color per name taken round-robin from the
 * same ten ANSI colors in the same order, only the prefix colored. Status lines (`web-1 exited with code 1`)
 * are the whole line in the name's color. Pure apart from the formatter's own registry.
 */

/** cyan, yellow, green, magenta, blue, then the same five bold ("intense"), as docker compose cycles them. */
export const RAINBOW = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'] as const;

export const colorize = (code: string, s: string): string => `\x1b[${code}m${s}\x1b[0m`;

export interface LogFormatOptions {
  color: boolean;
  prefix: boolean;
  /** `up`: the time of receipt after the prefix; `logs` passes the entry's own stamp instead */
  timestamps: boolean;
}

export interface LogFormatter {
  /** Registers a name (idempotent); returns it for chaining. */
  register(name: string): string;
  /** One or more lines of text from `name` (the trailing newline dropped), each prefixed. */
  formatLines(name: string, text: string, stamp?: string): string;
  /** A status line, e.g. `exited with code 3`. */
  formatStatus(name: string, message: string): string;
}

/** Pure: the prefix of one name at a width. */
export function planPrefix(name: string, width: number): string {
  return `${name.padEnd(width)} | `;
}

export function createLogFormatter(opts: LogFormatOptions): LogFormatter {
  const colors = new Map<string, string | undefined>();
  let next = 0;
  let width = 0;
  const register = (name: string): string => {
    if (colors.has(name)) return name;
    colors.set(name, opts.color ? RAINBOW[next++ % RAINBOW.length] : undefined);
    width = Math.max(width, name.length + 1);
    return name;
  };
  const paint = (name: string, s: string): string => {
    const code = colors.get(name);
    return code ? colorize(code, s) : s;
  };
  return {
    register,
    formatLines(name, text, stamp) {
      register(name);
      const prefix = opts.prefix ? paint(name, planPrefix(name, width)) : '';
      const body = text.endsWith('\n') ? text.slice(0, -1) : text;
      return body.split('\n').map((line) => `${prefix}${stamp !== undefined ? `${stamp} ` : ''}${line}\n`).join('');
    },
    formatStatus(name, message) {
      register(name);
      return `${paint(name, `${name} ${message}`)}\n`;
    },
  };
}

/**
 * Pure: docker compose's name for a container in logs: without the project prefix (`web-1` for
 * `demo-web-1`), but a custom container_name is shown whole.
 */
export function displayName(name: string, labels: Record<string, string>): string {
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  const number = labels['com.docker.compose.container-number'];
  if (project === undefined || service === undefined || number === undefined) return name;
  return name === `${project}-${service}-${number}` ? name.slice(project.length + 1) : name;
}

/** Pure: docker compose colors when not told otherwise: --no-color, --ansi never, NO_COLOR, or stdout not a terminal. */
export function useColor(o: { noColor?: boolean; ansi: 'never' | 'always' | 'auto'; env: Record<string, string | undefined>; isTTY: boolean }): boolean {
  if (o.noColor) return false;
  if (o.ansi === 'never') return false;
  if (o.ansi === 'always') return true;
  if (o.env.NO_COLOR !== undefined && o.env.NO_COLOR !== '') return false;
  return o.isTTY;
}
