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

export type UpImageDecision = { action: 'use' } | { action: 'pull'; reason: string } | { action: 'build'; reason: string };

/** `up`'s build flags, for callers that can build (up); without them a buildable service needs its image stored. */
export interface BuildChoice { force?: boolean; never?: boolean }

/** `up`: use the stored image or pull it; never-with-nothing-stored and build are clear errors naming the service. */
export function decideUpImage(s: ServiceImage & { build?: BuildChoice }, now: Date): UpImageDecision {
  // docker compose: a buildable service is built when its image is missing, on --build, or with pull_policy
  // build; --no-build never builds (a missing image is then an error)
  if (s.hasBuild && s.build && s.image) {
    if (s.build.never) {
      if (s.stored) return { action: 'use' };
      throw new UserError('E_IMAGE_MISSING', `service "${s.service}": image ${s.image} not found and --no-build was given`, { hint: `build it first: tscompose build ${s.service}` });
    }
    if (s.build.force) return { action: 'build', reason: '--build' };
    if (s.policy.kind === 'build') return { action: 'build', reason: 'pull_policy build' };
    if (!s.stored) return { action: 'build', reason: 'not found' };
  }
  if (!s.image) {
    throw new UserError('E_BUILD_UNSUPPORTED', `service "${s.service}" has no image: this command does not build images`, { hint: `build it first: tscompose build ${s.service}` });
  }
  switch (s.policy.kind) {
    case 'build':
      throw new UserError('E_BUILD_UNSUPPORTED', `service "${s.service}": pull_policy build needs an image build, which this command does not do`, { hint: `build it with tscompose build ${s.service}, or use tscompose up` });
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
  /** pre_start hooks: each may run an image of its own */
  pre_start?: ReadonlyArray<{ image?: string }>;
}

/**
 * `up`: the image id of each service that uses its stored image, and the reason for each that is pulled.
 * `lookup` answers from the store (one call per distinct image); `override` is `up --pull`.
 */
export async function planUpImages(services: readonly ServiceForUp[], lookup: (image: string) => Promise<StoredImage | undefined>, override: PullPolicy | undefined, now: Date, build?: BuildChoice & { project: string }): Promise<{ digests: Record<string, string>; pulls: Record<string, string>; builds?: Record<string, string> }> {
  const digests: Record<string, string> = {};
  const pulls: Record<string, string> = {};
  const builds: Record<string, string> = {};
  const found = new Map<string, Promise<StoredImage | undefined>>();
  for (const s of services) {
    const policy = override ?? parsePullPolicy(s.name, s.pull_policy, s.pull_refresh_after);
    // a buildable service without image: is named <project>-<service> (docker compose's default)
    const image = s.image ?? (build && s.build !== undefined ? `${build.project}-${s.name}` : undefined);
    const stored = image ? await (found.get(image) ?? found.set(image, lookup(image)).get(image)!) : undefined;
    const d = decideUpImage({ service: s.name, ...(image ? { image } : {}), hasBuild: s.build !== undefined, policy, ...(stored ? { stored } : {}), ...(build ? { build } : {}) }, now);
    if (d.action === 'use') digests[s.name] = stored!.id;
    else if (d.action === 'build') builds[s.name] = d.reason;
    else pulls[s.name] = d.reason;
  }
  // builds only for a caller that can build (it passed `build`)
  return { digests, pulls, ...(build ? { builds } : {}) };
}

/** A pre_start hook image `up` pulls, with the first service whose hook runs it. */
export interface HookPull { service: string; image: string; reason: string }

/**
 * `up`: the pre_start hook images to pull before anything starts (docker compose's addPreStartHookPulls).
 * A hook has no pull_policy of its own: it follows its service's (or `up --pull`), with build read as
 * missing since a hook image cannot be built. A hook running the service's own image, or an image already
 * pulled for a service (`scheduled`) or for an earlier hook, adds nothing: each image is pulled once.
 */
export async function planHookPulls(services: readonly ServiceForUp[], lookup: (image: string) => Promise<StoredImage | undefined>, override: PullPolicy | undefined, now: Date, scheduled: Iterable<string> = []): Promise<HookPull[]> {
  const out: HookPull[] = [];
  const seen = new Set(scheduled);
  for (const s of services) {
    if (!s.pre_start?.length) continue;
    const own = override ?? parsePullPolicy(s.name, s.pull_policy, s.pull_refresh_after);
    const policy: PullPolicy = own.kind === 'build' ? { kind: 'missing' } : own;
    for (const [i, hook] of s.pre_start.entries()) {
      const image = hook.image;
      if (!image || image === s.image || seen.has(image)) continue;
      const stored = await lookup(image);
      let d: UpImageDecision;
      try {
        d = decideUpImage({ service: s.name, image, hasBuild: false, policy, ...(stored ? { stored } : {}) }, now);
      } catch (e) {
        // the refusal names the hook, not only its service
        if (e instanceof UserError) throw new UserError(e.code, e.message.replace(`service "${s.name}":`, `service "${s.name}" pre_start[${i}]:`), e.hint ? { hint: e.hint } : undefined);
        throw e;
      }
      if (d.action === 'pull') {
        seen.add(image);
        out.push({ service: s.name, image, reason: d.reason });
      }
    }
  }
  return out;
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
