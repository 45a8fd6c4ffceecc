/** The inputs of build-push-image, declared once (action.yml, component spec, CLI and docs read them). */
import { BUILD_NETWORKS, BUILDER_NAMES } from '../core/build/types.js';
import { type ImageRef, parseImageRef } from '../core/image-ref.js';
import { TAG_HELP, validateTags } from '../core/tags.js';
import { bool, choice, int, parsed, splitLines, splitList, text } from '../platform/inputs.js';
import { signingInputs } from './signing.js';

function parseRepository(raw: string): ImageRef {
  const ref = parseImageRef(raw);
  if (ref.tag || ref.digest)
    throw new Error('give the repository without a tag or digest (tags go in `tags`)');
  return ref;
}

/** `KEY=value` lines (values may hold commas and `=`). */
function parsePairs(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [index, line] of splitLines(raw).entries()) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${index + 1} is not KEY=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

/** A secret or SSH id, as BuildKit and buildah take it (`RUN --mount=type=secret,id=<id>`). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * `id=value` lines of a secret input. Errors name the line, never its value (the value is a
 * secret); the id must be one BuildKit takes, and each id appears once.
 */
function parseIdLines(raw: string, what: string): { id: string; value: string }[] {
  const out: { id: string; value: string }[] = [];
  for (const [index, line] of splitLines(raw).entries()) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${index + 1} is not id=${what}`);
    const id = line.slice(0, eq).trim();
    if (!ID.test(id)) throw new Error(`line ${index + 1}: "${id}" is not an id (letters, digits, _ . -)`);
    if (out.some((o) => o.id === id)) throw new Error(`the id "${id}" is given twice`);
    out.push({ id, value: line.slice(eq + 1) });
  }
  return out;
}

/** `default`, or `id=path[,path]` lines (an agent socket or private key files). */
function parseSsh(raw: string): { id: string; paths: string[] }[] {
  const out: { id: string; paths: string[] }[] = [];
  for (const [index, line] of splitLines(raw).entries()) {
    const eq = line.indexOf('=');
    const id = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!ID.test(id))
      throw new Error(`line ${index + 1}: "${id}" is not default or an id (letters, digits, _ . -)`);
    if (eq < 0 && id !== 'default')
      throw new Error(`line ${index + 1}: "${id}" has no =path (only default may go without)`);
    if (out.some((o) => o.id === id)) throw new Error(`the id "${id}" is given twice`);
    const paths = eq < 0 ? [] : splitList(line.slice(eq + 1));
    if (eq >= 0 && paths.length === 0) throw new Error(`line ${index + 1}: no path after ${id}=`);
    out.push({ id, paths });
  }
  return out;
}

/** More caches to read: repositories or images, `registry/repo[:tag]`. */
function parseCacheFrom(raw: string): ImageRef[] {
  return splitLines(raw).map((line) => {
    const ref = parseImageRef(line.trim());
    if (ref.digest) throw new Error(`"${line.trim()}": name a repository or a tag, not a digest`);
    return ref;
  });
}

const STAGE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** `os/arch[/variant]`, as `docker build --platform` takes it. */
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

function parsePlatforms(raw: string): string[] {
  const platforms = splitList(raw);
  const bad = platforms.find((p) => !PLATFORM.test(p));
  if (bad !== undefined) throw new Error(`"${bad}" is not os/arch[/variant]`);
  const seen = new Set<string>();
  for (const p of platforms) {
    if (seen.has(p)) throw new Error(`${p} is listed twice`);
    seen.add(p);
  }
  return platforms;
}

export const buildPushInputs = {
  image: parsed(
    {
      description: 'Repository without tag, e.g. `registry.example.com/team/app`',
      required: true,
      accepted: 'an image repository such as registry.example.com/team/app (lowercase, no tag)',
    },
    parseRepository,
  ),
  context: text({ description: 'Build context directory', default: '.' }),
  file: text({ description: 'Dockerfile path (default `<context>/Dockerfile`)' }),
  tags: parsed(
    {
      description: 'Explicit tags, replacing the tag policy',
      accepted: `a list of ${TAG_HELP}`,
      kind: 'list',
    },
    (raw) => validateTags(splitList(raw)),
  ),
  'sha-length': int({
    description:
      "Length of the commit-sha tag in the tag policy (default 7; on GitLab 8, `CI_COMMIT_SHORT_SHA`'s length)",
    githubDefault: '7',
    min: 4,
    max: 40,
  }),
  'build-args': parsed(
    { description: 'Build arguments, `KEY=value` one a line', accepted: 'KEY=value lines', kind: 'lines' },
    parsePairs,
  ),
  labels: parsed(
    { description: 'Extra image labels, `KEY=value` one a line', accepted: 'KEY=value lines', kind: 'lines' },
    parsePairs,
  ),
  target: text({
    description: 'Dockerfile stage to build',
    pattern: STAGE,
    accepted: 'a Dockerfile stage name',
  }),
  'test-target': text({
    description: 'Dockerfile stage built first that runs the unit tests; if it fails nothing is pushed',
    pattern: STAGE,
    accepted: 'a Dockerfile stage name',
  }),
  push: bool({ description: 'Push to the registry', default: 'true' }),
  builder: choice({
    description:
      '`auto` (docker buildx if an engine answers, else buildah, else kaniko), `buildx`, `buildah`, `kaniko`',
    default: 'auto',
    options: BUILDER_NAMES,
  }),
  'registry-username': text({ description: 'Registry user name (else the docker config)' }),
  'registry-password': text({
    description: 'Registry password or token (else the docker config)',
    secret: true,
  }),
  'tls-verify': bool({
    description: '`false` allows a plain-HTTP registry (local registries)',
    default: 'true',
  }),
  network: choice({
    description:
      'Network mode of RUN steps: `host` or `none` (as `docker build --network`; self-hosted runners and engines without a bridge need `host`)',
    options: BUILD_NETWORKS,
  }),
  platforms: parsed(
    {
      description:
        "Target platforms, e.g. `linux/amd64,linux/arm64`: one image per platform, pushed as one index; `digest` is the index's",
      accepted: 'a list of os/arch[/variant], e.g. linux/amd64,linux/arm64',
      kind: 'list',
    },
    parsePlatforms,
  ),
  provenance: bool({
    description:
      '`true`: attach a SLSA provenance v1 in-toto statement (source, commit, run, builder, inputs) to the pushed digest as an OCI referrer',
    default: 'false',
  }),
  cache: bool({
    description:
      "`true`: a registry layer cache, read before the build and written after it (every layer, the test stage too), so a fresh runner rebuilds an unchanged context without running its RUN steps. buildah: `--cache-from/--cache-to`; buildx: `type=registry,ref=<cache-repository>:buildcache,mode=max`, or on the plain `docker` driver an inline cache read back from the image's branch and default-branch tags; kaniko: `--cache-repo`",
    default: 'false',
  }),
  'cache-repository': parsed(
    {
      description: 'Where the layer cache lives (default `<image>-cache`; credentials as for `image`)',
      accepted: 'an image repository without a tag, e.g. registry.example.com/team/app-cache',
    },
    (raw) => {
      const ref = parseImageRef(raw);
      if (ref.tag || ref.digest)
        throw new Error("give the repository without a tag or digest (the builder names the cache's tags)");
      return ref;
    },
  ),
  'cache-from': parsed(
    {
      description:
        "More caches to read, one a line: cache repositories or images (e.g. the default branch's), `registry/repo[:tag]`",
      accepted: 'image repositories or tags, one a line',
      kind: 'lines',
    },
    parseCacheFrom,
  ),
  secrets: parsed(
    {
      description:
        'Build secrets, `id=value` one a line (masked): each is mounted only for `RUN --mount=type=secret,id=<id>` (at `/run/secrets/<id>`), never in a layer, the image config or history, the provenance, a log line or the summary. Not with kaniko',
      accepted: 'id=value lines',
      kind: 'lines',
      secret: true,
      secretParts: (raw) => splitLines(raw).map((line) => line.slice(line.indexOf('=') + 1)),
    },
    (raw) => parseIdLines(raw, 'value'),
  ),
  'secret-files': parsed(
    {
      description:
        'Build secrets from files, `id=path` one a line: as `secrets`, the value read from the file. Not with kaniko',
      accepted: 'id=path lines naming files that exist',
      kind: 'lines',
    },
    (raw) => parseIdLines(raw, 'path').map(({ id, value }) => ({ id, path: value.trim() })),
  ),
  ssh: parsed(
    {
      description:
        "SSH for `RUN --mount=type=ssh`: `default` (the runner's `SSH_AUTH_SOCK`) or `id=path` lines (an agent socket or private key files). Not with kaniko",
      accepted: 'default, or id=path lines naming an agent socket or private keys',
      kind: 'lines',
    },
    parseSsh,
  ),
  'promote-from': parsed(
    {
      description:
        'An existing image (`repo:tag` or `repo@sha256:…`): no build; copied to `image` with the tags, digest unchanged — a whole index with every platform, and its referrers (signatures, SBOMs, attestations)',
      accepted: 'an image reference with a tag or digest, e.g. registry.example.com/team/app@sha256:…',
    },
    (raw) => {
      const ref = parseImageRef(raw);
      if (!ref.tag && !ref.digest) throw new Error('name the image to promote with a tag or a digest');
      return ref;
    },
  ),
  ...signingInputs,
};
