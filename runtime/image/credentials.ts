/**
 * Registry credentials as docker keeps them: $DOCKER_CONFIG/config.json (default ~/.docker/config.json),
 * `auths` entries (base64 user:password, or an identity token), and `credHelpers` / `credsStore` programs
 * (docker-credential-<name> get). Missing file or helper means anonymous, never an error.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RuntimeError } from '../errors.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth refresh token (docker login with an identity provider) */
  identityToken?: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const HUB_KEY = 'https://index.docker.io/v1/';

export function dockerConfigPath(env: Record<string, string | undefined> = process.env): string {
  const dir = env.DOCKER_CONFIG && env.DOCKER_CONFIG !== '' ? env.DOCKER_CONFIG : path.join(env.HOME ?? os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** The host part of an auths key: "https://host:5000/v1/" → "host:5000". Pure. */
export function authKeyHost(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}

function isHub(domain: string): boolean {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io';
}

/** Pure: the credentials config.json's auths give for a registry domain. */
export function planAuthsLookup(cfg: DockerConfig, domain: string, file: string): Credentials | undefined {
  for (const [key, v] of Object.entries(cfg.auths ?? {})) {
    const host = authKeyHost(key);
    if (host === domain || (isHub(domain) && (key === HUB_KEY || isHub(host)))) {
      if (v.identitytoken) return { identityToken: v.identitytoken, ...(v.username ? { username: v.username } : {}) };
      if (v.auth) {
        const dec = Buffer.from(v.auth, 'base64').toString('utf8');
        const i = dec.indexOf(':');
        if (i < 0) throw new RuntimeError('E_CREDENTIALS', `${file}: auths["${key}"].auth is not base64 of user:password`);
        return { username: dec.slice(0, i), password: dec.slice(i + 1) };
      }
      if (v.username || v.password) return { username: v.username, password: v.password };
    }
  }
  return undefined;
}

function fromHelper(helper: string, domain: string): Credentials | undefined {
  const server = isHub(domain) ? HUB_KEY : domain;
  const r = spawnSync(`docker-credential-${helper}`, ['get'], { input: server, encoding: 'utf8', timeout: 15_000 });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RuntimeError('E_CREDENTIALS', `credential helper docker-credential-${helper}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    if (/credentials not found/i.test(r.stdout + r.stderr)) return undefined;
    throw new RuntimeError('E_CREDENTIALS', `credential helper docker-credential-${helper} for ${domain}: ${(r.stderr || r.stdout).trim()}`);
  }
  const j = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  if (!j.Secret) return undefined;
  return j.Username === '<token>' ? { identityToken: j.Secret } : { username: j.Username, password: j.Secret };
}

/** Looks up credentials for a registry domain; undefined means anonymous. */
export function lookupCredentials(domain: string, env: Record<string, string | undefined> = process.env): Credentials | undefined {
  const file = dockerConfigPath(env);
  let cfg: DockerConfig;
  try {
    cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as DockerConfig;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RuntimeError('E_CREDENTIALS', `${file}: ${(e as Error).message}`);
  }
  const helper = cfg.credHelpers?.[domain] ?? (isHub(domain) ? cfg.credHelpers?.['docker.io'] ?? cfg.credHelpers?.[HUB_KEY] : undefined);
  if (helper) return fromHelper(helper, domain);
  const inline = planAuthsLookup(cfg, domain, file);
  if (inline) return inline;
  if (cfg.credsStore) return fromHelper(cfg.credsStore, domain);
  return undefined;
}
