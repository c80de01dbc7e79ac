/**
 * The project name, with docker compose's precedence: -p > COMPOSE_PROJECT_NAME > top-level `name:`
 * (last file that sets it, already interpolated) > basename of the working directory.
 * Names given explicitly (-p, COMPOSE_PROJECT_NAME) must already be valid; names taken from the file
 * or the directory are normalised instead.
 */
import { basename } from 'node:path';
import { UserError } from '../errors.js';

const NOT_ALLOWED_RE = /[^a-z0-9_-]+/g;
const LEADING_SEPARATORS_RE = /^[_-]+/;

/** Lowercase, keep only [a-z0-9_-], drop leading `_` and `-` (compose-go's NormalizeProjectName). */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(NOT_ALLOWED_RE, '').replace(LEADING_SEPARATORS_RE, '');
}

export function invalidProjectName(name: string): UserError {
  return new UserError('E_PROJECT_NAME',
    `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
}

export function resolveProjectName(opts: { flag?: string; env?: string; topLevel?: string; workingDir: string }): string {
  const explicit = opts.flag ? opts.flag : opts.env ? opts.env : undefined;
  if (explicit !== undefined) {
    if (normalizeProjectName(explicit) !== explicit) throw invalidProjectName(explicit);
    return explicit;
  }
  const fromFile = opts.topLevel ? normalizeProjectName(opts.topLevel) : '';
  const name = fromFile !== '' ? fromFile : normalizeProjectName(basename(opts.workingDir));
  if (name === '') {
    throw new UserError('E_PROJECT_NAME', 'project name must not be empty',
      { hint: `the directory name "${basename(opts.workingDir)}" has no usable characters; use -p NAME or set name: in the Compose file` });
  }
  return name;
}
