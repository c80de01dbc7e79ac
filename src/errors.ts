/**
 * Errors of the Compose tool. A user error has a stable code, a message that names the object
 * (file, key, service) and an optional hint; context is added once per layer, outermost first:
 *   `load "compose.yaml": services.web.ports[1]: invalid port "x"`.
 * Anything that is not a UserError is a bug and is reported as such by the CLI.
 */
export interface UserFacing {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly exitCode: number;
  readonly userFacing: true;
}

export class UserError extends Error implements UserFacing {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  readonly userFacing = true as const;

  constructor(code: string, message: string, opts: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UserError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 1;
  }

  /** The same error with one more layer of context in front: `ctx: message`. */
  withContext(ctx: string): UserError {
    return new UserError(this.code, `${ctx}: ${this.message}`, { hint: this.hint, exitCode: this.exitCode, cause: this.cause });
  }
}

/** True for errors from src/ or runtime/ that are meant for the user (duck-typed: runtime/ has its own class). */
export function isUserFacing(e: unknown): e is UserFacing {
  return typeof e === 'object' && e !== null && (e as { userFacing?: unknown }).userFacing === true
    && typeof (e as { code?: unknown }).code === 'string';
}

/** Usage errors exit like docker compose's flag errors. */
export function usageError(message: string, hint?: string): UserError {
  return new UserError('E_USAGE', message, { hint, exitCode: 1 });
}
