/**
 * pull_policy as decisions: which services' images `up` and `pull` fetch, and why. Pure: the caller
 * looks the images up in the store (present or not, when they were last pulled) and passes the clock.
 * Values follow compose-go: always, never, missing (= if_not_present), build, daily, weekly,
 * every_<duration>, refresh (with pull_refresh_after); `up --pull` and `pull --policy` override them all.
 */
import { UserError } from '../errors.js';

export type PullPolicy =
  | { kind: 'always' | 'missing' | 'never' | 'build' }
  /** pull when the stored image was last pulled longer than intervalMs ago */
  | { kind: 'refresh'; intervalMs: number };

/** What the store knows of a service's image. */
export interface StoredImage {
  /** the image id (config digest) */
  id: string;
  /** ISO time of the last successful pull from a registry; absent for loaded/imported images */
  lastPulled?: string;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Go-style duration with days and weeks (`30m`, `1h30m`, `2d`, `1.5h`); undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** Parses a service's pull_policy (undefined: missing, docker compose's default). */
export function parsePullPolicy(service: string, policy: string | undefined, refreshAfter?: string): PullPolicy {
  const p = (policy ?? 'missing').trim();
  const bad = (why: string) => new UserError('E_PULL_POLICY', `service "${service}": invalid pull_policy "${p}": ${why}`, { hint: 'use always, missing, never, build, daily, weekly or every_<duration> (e.g. every_12h)' });
  switch (p) {
    case 'always': case 'never': case 'build': case 'missing': return { kind: p };
    case 'if_not_present': case '': return { kind: 'missing' };
    case 'daily': return { kind: 'refresh', intervalMs: UNIT_MS.d! };
    case 'weekly': return { kind: 'refresh', intervalMs: UNIT_MS.w! };
    case 'refresh': {
      if (refreshAfter === undefined) return { kind: 'missing' };
      const ms = parseDuration(refreshAfter);
      if (ms === undefined) throw new UserError('E_PULL_POLICY', `service "${service}": invalid pull_refresh_after "${refreshAfter}"`, { hint: 'a duration such as 12h, 2d or 1w' });
      return { kind: 'refresh', intervalMs: ms };
    }
  }
  if (p.startsWith('every_')) {
    const ms = parseDuration(p.slice('every_'.length));
    if (ms === undefined || ms <= 0) throw bad('not a duration after every_');
    return { kind: 'refresh', intervalMs: ms };
  }
  throw bad('unknown policy');
}

/** Parses `up --pull` / `pull --policy`; undefined or "policy" means each service's own. */
export function parsePullOverride(flag: string, value: unknown, allowed: readonly string[]): PullPolicy | undefined {
  if (value === undefined || value === 'policy') return undefined;
  const v = String(value);
  if (!allowed.includes(v)) throw new UserError('E_USAGE', `invalid ${flag} "${v}": want ${allowed.join(', ')}`);
  return { kind: v === 'if_not_present' ? 'missing' : (v as 'always' | 'missing' | 'never' | 'build') };
}

/** Pure: is a stored image stale under a refresh policy? A record without a pull time is never stale by age. */
export function isStale(policy: PullPolicy, stored: StoredImage, now: Date): boolean {
  if (policy.kind !== 'refresh' || !stored.lastPulled) return false;
  const at = Date.parse(stored.lastPulled);
  return Number.isNaN(at) || now.getTime() - at >= policy.intervalMs;
}

export interface ServiceImage {
  service: string;
  image?: string;
  hasBuild: boolean;
  policy: PullPolicy;
  /** undefined when the image is not in the store */
  stored?: StoredImage;
}

export type UpImageDecision = { action: 'use' } | { action: 'pull'; reason: string };

/** `up`: use the stored image or pull it; never-with-nothing-stored and build are clear errors naming the service. */
export function decideUpImage(s: ServiceImage, now: Date): UpImageDecision {
  if (!s.image) {
    throw new UserError('E_BUILD_UNSUPPORTED', `service "${s.service}" has no image: building is not supported yet`, { hint: 'add an image: to the service' });
  }
  switch (s.policy.kind) {
    case 'build':
      throw new UserError('E_BUILD_UNSUPPORTED', `service "${s.service}": pull_policy build needs an image build, which is not supported yet`, { hint: 'use pull_policy missing (or always) with a pushed image' });
    case 'never':
      if (s.stored) return { action: 'use' };
      throw new UserError('E_IMAGE_MISSING', `service "${s.service}": image ${s.image} not found and pull_policy is never`, { hint: 'load it first: tscompose image load -i <archive>' });
    case 'always':
      return { action: 'pull', reason: s.stored ? 'pull_policy always' : 'not found' };
    case 'missing':
      return s.stored ? { action: 'use' } : { action: 'pull', reason: 'not found' };
    case 'refresh':
      if (!s.stored) return { action: 'pull', reason: 'not found' };
      return isStale(s.policy, s.stored, now) ? { action: 'pull', reason: 'pull_policy refresh: image is older than the interval' } : { action: 'use' };
  }
}

export interface ServiceForUp {
  name: string;
  image?: string;
  build?: unknown;
  pull_policy?: string;
  pull_refresh_after?: string;
}

/**
 * `up`: the image id of each service that uses its stored image, and the reason for each that is pulled.
 * `lookup` answers from the store (one call per distinct image); `override` is `up --pull`.
 */
export async function planUpImages(services: readonly ServiceForUp[], lookup: (image: string) => Promise<StoredImage | undefined>, override: PullPolicy | undefined, now: Date): Promise<{ digests: Record<string, string>; pulls: Record<string, string> }> {
  const digests: Record<string, string> = {};
  const pulls: Record<string, string> = {};
  const found = new Map<string, Promise<StoredImage | undefined>>();
  for (const s of services) {
    const policy = override ?? parsePullPolicy(s.name, s.pull_policy, s.pull_refresh_after);
    const stored = s.image ? await (found.get(s.image) ?? found.set(s.image, lookup(s.image)).get(s.image)!) : undefined;
    const d = decideUpImage({ service: s.name, ...(s.image ? { image: s.image } : {}), hasBuild: s.build !== undefined, policy, ...(stored ? { stored } : {}) }, now);
    if (d.action === 'use') digests[s.name] = stored!.id;
    else pulls[s.name] = d.reason;
  }
  return { digests, pulls };
}

export type PullCommandDecision = { action: 'pull' } | { action: 'skip'; text: string };

/**
 * `pull`: docker compose's skip rules and texts. `missing` skips a present image only when it names a tag
 * other than latest (docker compose refreshes :latest and digests even then); --ignore-buildable skips services with a build section.
 */
export function decidePullCommand(s: ServiceImage, o: { ignoreBuildable?: boolean }, now: Date): PullCommandDecision {
  if (!s.image) return { action: 'skip', text: 'Skipped - No image to be pulled' };
  if (s.policy.kind === 'never' || s.policy.kind === 'build') return { action: 'skip', text: 'Skipped' };
  if (s.policy.kind === 'missing' && s.stored && hasPinnedTag(s.image)) return { action: 'skip', text: 'Skipped - Image is already present locally' };
  if (s.policy.kind === 'refresh' && s.stored && !isStale(s.policy, s.stored, now)) return { action: 'skip', text: 'Skipped - Image is already present locally' };
  if (s.hasBuild && o.ignoreBuildable) return { action: 'skip', text: 'Skipped - Image can be built' };
  return { action: 'pull' };
}

/** Pure: a tag other than latest and no digest (docker compose's "already present" test for `pull`). */
export function hasPinnedTag(image: string): boolean {
  if (image.includes('@')) return false;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon >= 0 && last.slice(colon + 1) !== 'latest';
}
