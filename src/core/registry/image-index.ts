/**
 * Image indexes a build pushes: the index over images a builder pushed one platform at a time,
 * and the check that an index holds exactly one manifest per requested platform (a builder's
 * layer cache can collapse two platforms whose layers are identical into one image).
 */
import { StepError } from '../errors.js';
import type { Log } from '../log.js';
import type { RegistryClient } from './client.js';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX } from './media-types.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm64/v8` → `{ os: 'linux', architecture: 'arm64', variant: 'v8' }`. */
export function parsePlatform(platform: string): Platform {
  const [os, architecture, variant] = platform.split('/') as [string, string, string | undefined];
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** `{ os, architecture, variant }` → `linux/arm64/v8`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Whether a manifest's platform is the requested one (a variant counts only where both name one). */
function matches(requested: Platform, found: Platform): boolean {
  if (requested.os !== found.os || requested.architecture !== found.architecture) return false;
  return !requested.variant || !found.variant || requested.variant === found.variant;
}

/**
 * Checks that `found` (the platforms of an index's manifests, in order) holds each requested
 * platform exactly once and nothing else. Throws a StepError naming what is missing or extra.
 */
export function checkPlatforms(requested: string[], found: Platform[], what: string): void {
  const wanted = requested.map(parsePlatform);
  const missing = wanted.filter((w) => !found.some((f) => matches(w, f))).map(formatPlatform);
  const twice = wanted.filter((w) => found.filter((f) => matches(w, f)).length > 1).map(formatPlatform);
  const extra = found.filter((f) => !wanted.some((w) => matches(w, f))).map(formatPlatform);
  if (missing.length === 0 && twice.length === 0 && extra.length === 0) return;
  const problems = [
    missing.length ? `no image for ${missing.join(', ')}` : '',
    twice.length ? `more than one image for ${twice.join(', ')}` : '',
    extra.length ? `an image for ${extra.join(', ')}, which was not asked for` : '',
  ].filter(Boolean);
  throw new StepError(
    `${what} has ${problems.join('; ')} (asked for ${requested.join(', ')}; it holds ${found.map(formatPlatform).join(', ') || 'nothing'}): nothing was pushed under the tags`,
  );
}

/** The platform an image config says it is for (os/architecture/variant). */
export async function configPlatform(
  client: RegistryClient,
  repository: string,
  reference: string,
): Promise<Platform> {
  const manifest = JSON.parse(
    new TextDecoder().decode((await client.getManifest(repository, reference)).bytes),
  ) as { config: { digest: string } };
  const config = (await (await client.getBlob(repository, manifest.config.digest)).json()) as Platform;
  return {
    os: config.os,
    architecture: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
  };
}

/**
 * The index over images a builder pushed one platform at a time (`<tag>-<os>-<arch>`): an OCI
 * index, or a Docker manifest list when the images are Docker schema 2 (as the Docker engine
 * pushes them), stored under `tag`. Each image's config must be for its platform (checked before
 * the index is pushed). Returns its digest.
 */
export async function assembleIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  parts: { platform: string; ref: string }[],
  log: Log,
): Promise<string> {
  const manifests = await Promise.all(
    parts.map(async ({ platform, ref }) => {
      const partTag = ref.slice(ref.lastIndexOf(':') + 1);
      const head = await client.headManifest(repository, partTag);
      if (!head) throw new StepError(`${ref} is not in the registry after the push`);
      const built = await configPlatform(client, repository, head.digest);
      return {
        mediaType: head.mediaType,
        digest: head.digest,
        size: head.size,
        platform: built,
        requested: platform,
      };
    }),
  );
  checkPlatforms(
    parts.map((p) => p.platform),
    manifests.map((m) => m.platform),
    'the build',
  );
  const docker = manifests.every((m) => m.mediaType === DOCKER_MANIFEST);
  const mediaType = docker ? DOCKER_LIST : OCI_INDEX;
  const body = {
    schemaVersion: 2,
    mediaType,
    manifests: manifests.map(({ requested: _, ...m }) => m),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const digest = await client.putManifest(repository, tag, bytes, mediaType);
  log.info(`Index ${digest} over ${manifests.map((m) => formatPlatform(m.platform)).join(', ')}`);
  return digest;
}

/**
 * A multi-platform push is an index with exactly one manifest per requested platform (a builder
 * that pushed the index itself is checked here, before any other tag points at it).
 */
export async function checkPushedPlatforms(
  client: RegistryClient,
  repository: string,
  digest: string,
  platforms: string[],
): Promise<void> {
  const index = JSON.parse(
    new TextDecoder().decode((await client.getManifest(repository, digest)).bytes),
  ) as {
    manifests?: { platform?: Platform }[];
  };
  const found = index.manifests
    ? index.manifests
        .map((m) => m.platform)
        // Attestation manifests (BuildKit's `unknown/unknown`) are not images of a platform.
        .filter((p): p is Platform => p !== undefined && p.os !== 'unknown')
    : [await configPlatform(client, repository, digest)];
  checkPlatforms(platforms, found, `the pushed image ${digest}`);
}
