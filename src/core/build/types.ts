/** What every builder takes and does: build a stage to run tests, build (and push) the image. */
import type { Log } from '../log.js';

export const BUILDER_NAMES = ['auto', 'buildx', 'buildah', 'kaniko'] as const;
export type BuilderChoice = (typeof BUILDER_NAMES)[number];
export type BuilderName = Exclude<BuilderChoice, 'auto'>;
export const BUILD_NETWORKS = ['host', 'none'] as const;
export type BuildNetwork = (typeof BUILD_NETWORKS)[number];

export interface BuildSpec {
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile. */
  file: string;
  target?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** Network mode of RUN steps (`--network`); the tool's default when absent. */
  network?: BuildNetwork;
  /** Target platforms (`linux/amd64`, `linux/arm64/v8`); more than one builds an index. */
  platforms?: string[];
  /**
   * SOURCE_DATE_EPOCH (seconds): the time stamped into the image config, its history and its
   * layers' files, so that builds of one commit give one digest; the tool's own times when absent.
   */
  sourceDateEpoch?: number;
  /** Build secrets for `RUN --mount=type=secret,id=<id>`: each id and the file holding its value. */
  secrets?: { id: string; src: string }[];
  /** SSH for `RUN --mount=type=ssh[,id=<id>]`: `default` or an id, and its agent socket or key files. */
  ssh?: { id: string; paths: string[] }[];
  /** Values the tool's output must never show (the secrets' values): masked in logs and errors. */
  mask?: string[];
  /** A registry layer cache to read before and write after the build. */
  cache?: BuildCache;
}

export interface BuildCache {
  /** `registry/repository` of the cache (no tag: the builder names its own tags). */
  repository: string;
  /** More caches to read: `registry/repository[:tag]`. */
  from: string[];
  /**
   * Images that carry an inline cache (`registry/repository:tag`: the image's branch and
   * default-branch tags), for builders that cannot export a cache of their own.
   */
  inlineFrom: string[];
  /** A directory holding `config.json` with the credentials of the cache's registries. */
  authDir?: string;
  tlsVerify: boolean;
  /** Write the cache too (false: read only, e.g. a build that pushes nothing). */
  write: boolean;
}

/** What a build asks of its builder, for the builder's own limits (checked before anything runs). */
export interface BuildWants {
  platforms: string[];
  secrets: boolean;
  ssh: boolean;
}

/** A builder's refusal: which input asks for what it cannot do, and what would work. */
export interface Refusal {
  input: string;
  value: string;
  accepted: string;
}

export interface PushSpec {
  /** Full reference to push to, `registry/repo:tag`. */
  ref: string;
  /** A directory holding `config.json` with the registry's credentials (Docker config format). */
  authDir?: string;
  tlsVerify: boolean;
}

export interface BuildResult {
  /** The pushed digest, when the tool reports one. */
  digest?: string;
  /**
   * Set when the tool pushed each platform on its own (buildx on an engine without the
   * containerd image store): the caller assembles the index over these references.
   */
  parts?: { platform: string; ref: string }[];
  /** The tool pushed `digest` by digest only (an index): no tag points at it yet. */
  untagged?: boolean;
  /** Build steps the tool ran or took from its cache (test stage included), as its log tells. */
  steps?: { total: number; cached: number };
}

export interface Builder {
  name: BuilderName;
  /** Why this builder cannot do what the inputs ask, if it cannot. */
  refuses(wants: BuildWants): Refusal | undefined;
  /** Builds `spec.target` only for its RUN steps (the tests); nothing is pushed. Throws CommandFailed. */
  test(spec: BuildSpec, log: Log): Promise<BuildResult['steps']>;
  /** Builds the image and, with `push`, pushes it; returns the digest when the tool reports one. */
  build(spec: BuildSpec, push: PushSpec | undefined, log: Log): Promise<BuildResult>;
}

/** `KEY=value` pairs as repeated argv flags: `--build-arg KEY=value …`. */
export function pairs(flag: string, values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([k, v]) => [flag, `${k}=${v}`]);
}

/** `linux/arm64/v8` → `linux-arm64-v8`: a tag suffix for one platform. */
export function platformSlug(platform: string): string {
  return platform.replace(/\//g, '-');
}

/**
 * A Log that passes every line on and counts the build steps a tool's output names and those it
 * took from its cache. `step` matches every step line (its first capture group, if any, is the
 * step's key, else each match is a new step); `skip` marks step lines that do no work (FROM,
 * LABEL), which are not counted; `cached` marks a step taken from the cache (by its key, else the
 * last step named).
 */
export function stepCounter(
  log: Log,
  patterns: {
    step: RegExp;
    skip?: RegExp;
    cached: RegExp;
    /** The tool says which steps came from its cache apart from naming the steps (kaniko). */
    apart?: boolean;
  },
): { log: Log; counts(): { total: number; cached: number } } {
  const steps = new Set<string>();
  const cached = new Set<string>();
  let seen = 0;
  let current: string | undefined;
  const read = (line: string) => {
    const step = patterns.step.exec(line);
    if (step) {
      current = step[1] ?? `${seen++}`;
      if (!patterns.skip?.test(line)) steps.add(current);
    }
    const hit = patterns.cached.exec(line);
    const key = hit ? (patterns.apart ? `cached-${cached.size}` : (hit[1] ?? current)) : undefined;
    if (key !== undefined) cached.add(key);
  };
  return {
    log: {
      info(message: string) {
        read(message);
        log.info(message);
      },
      warning: (m) => log.warning(m),
      debug: (m) => log.debug(m),
      group: (t, fn) => log.group(t, fn),
    },
    counts: () => ({
      total: steps.size,
      cached: patterns.apart ? cached.size : [...cached].filter((k) => steps.has(k)).length,
    }),
  };
}

/** Adds two step counts (the test stage's and the image's). */
export function addSteps(a: BuildResult['steps'], b: BuildResult['steps']): BuildResult['steps'] | undefined {
  if (!a) return b;
  if (!b) return a;
  return { total: a.total + b.total, cached: a.cached + b.cached };
}

/** Whether `registry/repository[:tag]` names a tag. */
export function hasTag(ref: string): boolean {
  return ref.slice(ref.lastIndexOf('/') + 1).includes(':');
}
