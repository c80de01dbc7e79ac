/**
 * Git URLs in `include` or `extends.file` (`https://host/repo.git#ref:subdir`, `git@host:repo.git`,
 * `ssh://…`, `git://…`, `github.com/owner/repo`): the ref is resolved to a commit with `git ls-remote`,
 * that commit is fetched shallow into the remote cache (one directory per commit, reused), and the
 * Compose file is the subdir's compose.yaml (or the file the subdir names).
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { ResourceLoader } from '../../compose/resources.js';
import { installDirectory, isDirectory, remoteCacheDir, remoteEnabled } from './cache.js';

export interface GitRef { remote: string; ref: string; subdir: string }

const COMMIT = /^[a-f0-9]{40}$/;
const SCP_LIKE = /^[\w.-]+@[\w.-]+:(?!\/\/)/;
const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/** Pure: a git reference as buildkit reads it (`remote#ref:subdir`), or undefined when `s` is not one. */
export function parseGitRef(s: string): GitRef | undefined {
  if (s.startsWith('./') || s.startsWith('../') || s.startsWith('/')) return undefined;
  const hash = s.indexOf('#');
  let remote = hash < 0 ? s : s.slice(0, hash);
  const fragment = hash < 0 ? '' : s.slice(hash + 1);
  if (remote.startsWith('github.com/')) remote = `https://${remote}`;
  else if (/^https?:\/\//.test(remote)) {
    // a plain web URL is a git remote only when it says so
    if (!/\.git$/.test(new URL(remote).pathname)) return undefined;
  } else if (!/^(git|ssh):\/\//.test(remote) && !SCP_LIKE.test(remote)) return undefined;
  const colon = fragment.indexOf(':');
  return { remote, ref: colon < 0 ? fragment : fragment.slice(0, colon), subdir: colon < 0 ? '' : fragment.slice(colon + 1) };
}

/** Pure: the subdir must stay inside the checkout. */
export function checkSubdir(subdir: string, what: string): string {
  const clean = path.posix.normalize(subdir);
  if (path.posix.isAbsolute(clean) || clean === '..' || clean.startsWith('../')) {
    throw new UserError('E_REMOTE_RESOURCE', `${what}: git subdirectory must stay inside the repository, got "${subdir}"`);
  }
  return clean === '.' ? '' : clean;
}

function git(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // never prompt on a terminal: a missing credential is an error, not a hang
    execFile('git', args, { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0' } as NodeJS.ProcessEnv, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      resolve({ code, out: `${stdout}${stderr}`.trim() });
    });
  });
}

async function resolveCommit(r: GitRef, what: string, env: Record<string, string | undefined>): Promise<string> {
  const ref = r.ref || 'HEAD';
  if (COMMIT.test(ref)) return ref;
  const res = await git(['ls-remote', '--exit-code', r.remote, ref], env);
  if (res.code === 2) throw new UserError('E_REMOTE_RESOURCE', `${what}: repository does not contain ref ${ref}`);
  if (res.code !== 0) throw new UserError('E_REMOTE_RESOURCE', `${what}: failed to access repository at ${r.remote}: ${res.out}`);
  const sha = res.out.slice(0, 40);
  if (!COMMIT.test(sha)) throw new UserError('E_REMOTE_RESOURCE', `${what}: unexpected git ls-remote output ${JSON.stringify(res.out.slice(0, 80))}`);
  return sha;
}

async function checkout(dir: string, r: GitRef, commit: string, what: string, env: Record<string, string | undefined>): Promise<void> {
  const steps: string[][] = [
    ['init', '-q', dir],
    ['-C', dir, 'remote', 'add', 'origin', r.remote],
    // by name when one was given (servers need not allow fetching a bare commit), else by commit
    ['-C', dir, 'fetch', '-q', '--depth=1', 'origin', r.ref && !COMMIT.test(r.ref) ? r.ref : commit],
    ['-C', dir, 'checkout', '-q', 'FETCH_HEAD'],
  ];
  for (const args of steps) {
    const res = await git(args, env);
    if (res.code !== 0) throw new UserError('E_REMOTE_RESOURCE', `${what}: git ${args.filter((a) => a !== '-C' && a !== dir).join(' ')}: ${res.out}`);
  }
  const head = await git(['-C', dir, 'rev-parse', 'HEAD'], env);
  if (head.out !== commit) throw new UserError('E_REMOTE_RESOURCE', `${what}: fetched ${head.out}, expected ${commit} (the ref moved while loading)`);
}

export function gitLoader(env: Record<string, string | undefined>): ResourceLoader {
  const known = new Map<string, string>();
  return {
    accept: (ref) => parseGitRef(ref) !== undefined,
    async load(ref) {
      if (!remoteEnabled(env, 'COMPOSE_EXPERIMENTAL_GIT_REMOTE')) {
        throw new UserError('E_REMOTE_RESOURCE', `git remote resource is disabled by "COMPOSE_EXPERIMENTAL_GIT_REMOTE"`);
      }
      const r = parseGitRef(ref)!;
      const what = `remote resource ${ref}`;
      let dir = known.get(ref);
      if (!dir) {
        const commit = await resolveCommit(r, what, env);
        dir = path.join(remoteCacheDir(env), `git-${commit}`);
        await installDirectory(dir, (tmp) => checkout(tmp, r, commit, what, env));
        known.set(ref, dir);
      }
      const target = path.join(dir, checkSubdir(r.subdir, what));
      if (!isDirectory(target)) return target;
      for (const name of COMPOSE_NAMES) {
        const f = path.join(target, name);
        try {
          if (statSync(f).isFile()) return f;
        } catch { /* next name */ }
      }
      throw new UserError('E_REMOTE_RESOURCE', `${what}: no Compose file (${COMPOSE_NAMES.join(', ')}) in ${r.subdir || 'the repository root'}`);
    },
  };
}
