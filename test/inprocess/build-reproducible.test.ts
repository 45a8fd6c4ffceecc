/**
 * Reproducible builds, in process: the build time is the built commit's committer time (a real
 * git repository), SOURCE_DATE_EPOCH wins, no checkout means now; the label
 * `org.opencontainers.image.created` and each builder's flags carry it. The builders run programs
 * that record their argv (first on PATH, or kaniko's executor path): what buildah, buildx and kaniko
 * are asked to do. Real builds of one commit giving one digest: build-push-image-reproducible.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildahBuilder } from '../../src/core/build/buildah.js';
import { buildxBuilder } from '../../src/core/build/buildx.js';
import { kanikoBuilder } from '../../src/core/build/kaniko.js';
import type { BuildSpec } from '../../src/core/build/types.js';
import { silentLog } from '../../src/core/log.js';
import { runStep } from '../../src/platform/host.js';
import { buildPushImage } from '../../src/steps/build-push-image.js';
import { buildTime } from '../../src/steps/build-time.js';
import { commitAt, git } from '../helpers/git.js';
import { fakeHost } from './fake-host.js';

// 2024-02-29T12:34:56Z and a day later, as git's committer dates.
const FIRST = 1709210096;
const SECOND = FIRST + 86_400;
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let dir: string;
let repo: string;
let bin: string;
let argvLog: string;
let shas: string[];

/**
 * A program that appends its argv (one line per argument, then `--`), writes the digest files it
 * is asked for, and as `docker buildx inspect` names the BuildKit version `$BUILDKIT`.
 */
function recorder(path: string) {
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'for a in "$0" "$@"; do printf "%s\\n" "$a" >> "$ARGV_LOG"; done; echo -- >> "$ARGV_LOG"',
      '[ "$1 $2" = "buildx inspect" ] && printf "Name: default\\nBuildKit version: %s\\n" "$BUILDKIT"',
      'prev=',
      'for a in "$@"; do',
      '  case "$prev" in',
      `    --digestfile|--digest-file) printf '${DIGEST}' > "$a" ;;`,
      `    --metadata-file) printf '{"containerimage.digest":"${DIGEST}"}' > "$a" ;;`,
      '  esac',
      '  prev="$a"',
      'done',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
}

/** Every recorded run's argv (without the program), oldest first; clears the record. */
function runs(): string[][] {
  const text = readFileSync(argvLog, 'utf8');
  writeFileSync(argvLog, '');
  return text
    .split('--\n')
    .filter(Boolean)
    .map((block) => block.trimEnd().split('\n').slice(1));
}

const env = () => ({ PATH: `${bin}${delimiter}${process.env.PATH}`, HOME: dir, ARGV_LOG: argvLog });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagecraft-repro-'));
  repo = join(dir, 'repo');
  bin = join(dir, 'bin');
  argvLog = join(dir, 'argv');
  mkdirSync(join(repo, 'app'), { recursive: true });
  mkdirSync(bin);
  writeFileSync(argvLog, '');
  for (const name of ['buildah', 'docker', 'executor']) recorder(join(bin, name));
  writeFileSync(join(repo, 'app/Dockerfile'), 'FROM scratch\nCOPY Dockerfile /\n');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  shas = [commitAt(repo, FIRST, 'first'), commitAt(repo, SECOND, 'second')];
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the build time', () => {
  it("is the built revision's committer time, not HEAD's, whatever the author date", async () => {
    await expect(buildTime(env(), join(repo, 'app'), shas[0] as string)).resolves.toEqual({
      epoch: FIRST,
      source: `the committer time of ${shas[0]?.slice(0, 12)}`,
      reproducible: true,
    });
    expect((await buildTime(env(), repo, shas[1] as string)).epoch).toBe(SECOND);
  });

  it("is HEAD's when the revision is not in the checkout (a shallow clone of a merge commit)", async () => {
    const time = await buildTime(env(), repo, 'f'.repeat(40));
    expect(time).toMatchObject({ epoch: SECOND, reproducible: true });
    expect(time.source).toContain(shas[1]?.slice(0, 12));
  });

  it('SOURCE_DATE_EPOCH wins; a bad one is an error naming it', async () => {
    await expect(buildTime({ ...env(), SOURCE_DATE_EPOCH: '42' }, repo, shas[1] as string)).resolves.toEqual({
      epoch: 42,
      source: 'SOURCE_DATE_EPOCH',
      reproducible: true,
    });
    await expect(buildTime({ ...env(), SOURCE_DATE_EPOCH: '2024-02-29' }, repo, '')).rejects.toThrow(
      /SOURCE_DATE_EPOCH "2024-02-29" is not a Unix time/,
    );
  });

  it('is now without a git checkout, and says a rebuild is not reproducible', async () => {
    const time = await buildTime(env(), bin, 'a1b2c3d', () => 1_800_000_000_999);
    expect(time).toMatchObject({ epoch: 1_800_000_000, reproducible: false });
    expect(time.source).toMatch(/^now: no git checkout of a1b2c3d .* another digest/);
  });
});

describe('build-push-image stamps the commit time', () => {
  const run = async (sha: string, extraEnv: Record<string, string> = {}) => {
    const host = fakeHost(
      {
        image: 'registry.example.com/team/app',
        context: join(repo, 'app'),
        builder: 'buildah',
        'test-target': 'test',
        push: 'false',
      },
      {
        ctx: { provider: 'gitlab', sha, headSha: sha, refType: 'branch', refName: 'main' },
        env: { ...env(), ...extraEnv },
      },
    );
    expect(await runStep(buildPushImage, host)).toBe(true);
    return { host, runs: runs() };
  };

  it('buildah gets --timestamp for the test stage and the image, the created label is the commit time', async () => {
    const {
      host,
      runs: [test, image],
    } = await run(shas[0] as string);
    const at = (args: string[] | undefined, flag: string) => args?.[args.indexOf(flag) + 1];
    expect(at(test, '--timestamp')).toBe(String(FIRST));
    expect(at(image, '--timestamp')).toBe(String(FIRST));
    expect(image).toContain('org.opencontainers.image.created=2024-02-29T12:34:56Z');
    expect(host.logs).toContain(
      `info: Build time: 2024-02-29T12:34:56Z (the committer time of ${shas[0]?.slice(0, 12)})`,
    );
  });

  it('another commit gets its own time; SOURCE_DATE_EPOCH overrides both', async () => {
    const second = (await run(shas[1] as string)).runs[1];
    expect(second).toContain('org.opencontainers.image.created=2024-03-01T12:34:56Z');
    expect(second?.[second.indexOf('--timestamp') + 1]).toBe(String(SECOND));
    const pinned = (await run(shas[1] as string, { SOURCE_DATE_EPOCH: '0' })).runs[1];
    expect(pinned).toContain('org.opencontainers.image.created=1970-01-01T00:00:00Z');
    expect(pinned?.[pinned.indexOf('--timestamp') + 1]).toBe('0');
  });
});

describe('build-push-image without a git checkout', () => {
  it('labels the current time and leaves the builder its own clock, saying a rebuild is not reproducible', async () => {
    const plain = join(dir, 'plain');
    mkdirSync(plain, { recursive: true });
    writeFileSync(join(plain, 'Dockerfile'), 'FROM scratch\n');
    const before = Date.now();
    const host = fakeHost(
      { image: 'registry.example.com/team/app', context: plain, builder: 'buildah', push: 'false' },
      { ctx: { provider: 'gitlab', sha: shas[0], refType: 'branch', refName: 'main' }, env: env() },
    );
    expect(await runStep(buildPushImage, host)).toBe(true);
    const [image] = runs();
    expect(image).not.toContain('--timestamp');
    const label = image?.find((a) => a.startsWith('org.opencontainers.image.created='))?.split('=')[1];
    expect(Date.parse(label as string)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(host.logs.find((l) => l.startsWith('info: Build time:'))).toMatch(
      /\(now: no git checkout of [0-9a-f]{12} in the context, so a rebuild gets another digest\)$/,
    );
  });
});

describe('what each builder is asked', () => {
  const spec = (sourceDateEpoch?: number): BuildSpec => ({
    context: repo,
    file: join(repo, 'app/Dockerfile'),
    buildArgs: { VERSION: '1' },
    labels: {},
    ...(sourceDateEpoch === undefined ? {} : { sourceDateEpoch }),
  });
  const push = { ref: '127.0.0.1:5000/team/app:main', tlsVerify: false };

  it('buildx: several platforms in one go are pushed by digest only (the step checks them before tagging)', async () => {
    const builder = buildxBuilder({ env: { ...env(), BUILDKIT: 'v0.13.1' }, tempDir: dir });
    const built = await builder.build(
      { ...spec(FIRST), platforms: ['linux/amd64', 'linux/arm64'] },
      push,
      silentLog,
    );
    expect(built).toMatchObject({ digest: DIGEST, untagged: true });
    const build = runs().find((args) => args[1] === 'build') ?? [];
    expect(build).not.toContain('--tag');
    expect(build[build.indexOf('--output') + 1]).toBe(
      'type=image,name=127.0.0.1:5000/team/app,push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true',
    );
    expect(build[build.indexOf('--platform') + 1]).toBe('linux/amd64,linux/arm64');
  });

  it("buildx: SOURCE_DATE_EPOCH as a build argument (before the user's) and rewrite-timestamp on the output", async () => {
    const builder = buildxBuilder({ env: { ...env(), BUILDKIT: 'v0.13.1' }, tempDir: dir });
    const warnings: string[] = [];
    const log = { ...silentLog, warning: (m: string) => void warnings.push(m) };
    expect(await builder.build(spec(FIRST), push, log)).toMatchObject({ digest: DIGEST });
    await builder.build(spec(FIRST), undefined, log);
    await builder.build(spec(), push, log);
    const all = runs();
    // The BuildKit version is asked for only when there is a build time to honour, once per
    // builder, beside the first build (so in either order with it).
    expect(all.map((args) => args.slice(0, 2).join(' ')).sort()).toEqual([
      'buildx build',
      'buildx build',
      'buildx build',
      'buildx inspect',
    ]);
    expect(warnings).toEqual([]);
    const [pushed, loaded, plain] = all.filter((args) => args[1] === 'build');
    const buildArgs = (args: string[] = []) =>
      args.flatMap((a, i) => (args[i - 1] === '--build-arg' ? [a] : []));
    const output = (args: string[] = []) => args[args.indexOf('--output') + 1];
    expect(buildArgs(pushed)).toEqual([`SOURCE_DATE_EPOCH=${FIRST}`, 'VERSION=1']);
    expect(output(pushed)).toBe('type=image,push=true,rewrite-timestamp=true');
    expect(pushed?.[pushed.indexOf('--tag') + 1]).toBe(push.ref);
    expect(output(loaded)).toBe('type=docker,rewrite-timestamp=true');
    expect(buildArgs(plain)).toEqual(['VERSION=1']);
    expect(output(plain)).toBe('type=image,push=true');
  });

  it('buildx: a BuildKit older than 0.13 gets its build time, and the step warns that it will not be reproducible', async () => {
    const warnings: string[] = [];
    const log = { ...silentLog, warning: (m: string) => void warnings.push(m) };
    await buildxBuilder({ env: { ...env(), BUILDKIT: 'v0.8+unknown' }, tempDir: dir }).build(
      spec(FIRST),
      push,
      log,
    );
    expect(runs().find((args) => args[1] === 'build')).toContain(`SOURCE_DATE_EPOCH=${FIRST}`);
    expect(warnings).toEqual([
      expect.stringMatching(/^BuildKit 0\.8\+unknown ignores SOURCE_DATE_EPOCH .* does not catch a rebuild/),
    ]);
  });

  it('kaniko: --reproducible (it stamps 1970 itself)', async () => {
    const builder = kanikoBuilder({ env: env(), tempDir: dir, executor: join(bin, 'executor') });
    expect(await builder.build(spec(FIRST), push, silentLog)).toMatchObject({ digest: DIGEST });
    await builder.build(spec(), push, silentLog);
    const [reproducible, plain] = runs();
    expect(reproducible).toContain('--reproducible');
    expect(plain).not.toContain('--reproducible');
  });

  it('buildah: --timestamp only with a build time', async () => {
    await buildahBuilder({ env: env(), tempDir: dir }).build(spec(), undefined, silentLog);
    expect(runs()[0]).not.toContain('--timestamp');
  });
});
