/**
 * buildx's layer cache: a registry cache where the builder exports one, an inline cache on the
 * plain `docker` driver (which cannot), and how BuildKit's log says which steps came from it.
 */
import { type BuildSpec, hasTag } from './types.js';

/** BuildKit's plain progress: `#7 [stage 3/5] RUN …` per step, `#7 CACHED` for one it did not run. */
export const BUILDKIT_STEPS = {
  step: /^#(\d+) \[(?:[^\]]* )?\d+\/\d+\] /,
  skip: /^#\d+ \[[^\]]*\] FROM /,
  cached: /^#(\d+) CACHED$/,
};

/** The test stage's own cache tag in the cache repository (its layers are not the image's). */
const TEST_CACHE_TAG = 'buildcache-test';

/**
 * Where the test stage goes: nowhere (`cacheonly`: run its steps, export nothing), except on the
 * plain `docker` driver with a cache, which cannot export one: there the stage is pushed as an
 * image with an inline cache, `<cache-repository>:buildcache-test`, so that a fresh runner does
 * not run the tests of an unchanged context again either.
 */
export function testOutput(spec: BuildSpec, driver: string | undefined): string[] {
  if (!spec.cache?.write || driver !== 'docker') return ['--output', 'type=cacheonly'];
  return ['--tag', `${spec.cache.repository}:${TEST_CACHE_TAG}`, '--output', 'type=image,push=true'];
}

/**
 * The cache flags. A builder that exports cache (docker-container, kubernetes, remote drivers):
 * a registry cache `<repository>:buildcache` with every layer (`mode=max`), the test stage's under
 * `:buildcache-test`. The plain `docker` driver cannot export a cache: the pushed image carries an
 * inline cache, read back from the image's own tags (`inlineFrom`); `suffix` names one platform's
 * image where each is pushed on its own.
 */
export function cacheArgs(
  spec: BuildSpec,
  driver: string | undefined,
  stage: 'test' | 'image',
  pushing: boolean,
  suffix = '',
): string[] {
  const cache = spec.cache;
  if (!cache) return [];
  const from = (ref: string) => ['--cache-from', `type=registry,ref=${ref}`];
  if (driver === 'docker') {
    const refs = [
      ...cache.inlineFrom.map((r) => `${r}${suffix}`),
      // The test stage reads its own image too (see testOutput). The image does not: its inline
      // cache would then differ with where the steps came from, and so would its digest.
      ...(stage === 'test' ? [`${cache.repository}:${TEST_CACHE_TAG}`] : []),
      ...cache.from,
    ];
    return [...refs.flatMap(from), ...(pushing && cache.write ? ['--cache-to', 'type=inline'] : [])];
  }
  const own = `${cache.repository}:${stage === 'test' ? TEST_CACHE_TAG : 'buildcache'}`;
  return [
    ...[
      `${cache.repository}:buildcache`,
      `${cache.repository}:${TEST_CACHE_TAG}`,
      ...cache.from.map((r) => (hasTag(r) ? r : `${r}:buildcache`)),
    ].flatMap(from),
    ...(cache.write ? ['--cache-to', `type=registry,ref=${own},mode=max`] : []),
  ];
}
