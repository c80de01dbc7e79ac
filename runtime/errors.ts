/**
 * Errors of the runtime. Same shape as src/errors.ts (the CLI duck-types `userFacing`), kept separate
 * because runtime/ never imports src/. Context is prepended once per layer:
 *   `create container "demo-web-1": mount volume "db": EACCES`.
 */
export class RuntimeError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  readonly userFacing = true as const;

  constructor(code: string, message: string, opts: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RuntimeError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 1;
  }

  withContext(ctx: string): RuntimeError {
    return new RuntimeError(this.code, `${ctx}: ${this.message}`, { hint: this.hint, exitCode: this.exitCode, cause: this.cause });
  }
}

/** Wraps any thrown value with context; errno errors from node or the addon keep their code (EACCES, ...). */
export function wrapError(ctx: string, e: unknown, code = 'E_RUNTIME'): RuntimeError {
  if (e instanceof RuntimeError) return e.withContext(ctx);
  const err = e as { code?: unknown; message?: unknown };
  const errno = typeof err?.code === 'string' && /^E[A-Z0-9]+$/.test(err.code) ? err.code : undefined;
  const msg = errno ?? (typeof err?.message === 'string' ? err.message : String(e));
  return new RuntimeError(errno ? `${code}_${errno}` : code, `${ctx}: ${msg}`, { cause: e });
}
