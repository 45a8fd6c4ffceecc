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
}

export interface Builder {
  name: BuilderName;
  /** Builds `spec.target` only for its RUN steps (the tests); nothing is pushed. Throws CommandFailed. */
  test(spec: BuildSpec, log: Log): Promise<void>;
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
