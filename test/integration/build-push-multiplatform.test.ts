/* biome-ignore-all lint/suspicious/noExplicitAny: registry JSON read back as it is */
/**
 * build-push-image `platforms` and `provenance`, run as the GitHub runner runs the committed
 * bundle: buildah (vfs, chroot) with a manifest list, and buildx on the jest run's Docker engine
 * (Debian's 20.10: the `docker` driver without the containerd image store builds one platform at
 * a time, so the step pushes each and assembles the index). The linux/arm64 stage has a RUN step:
 * it runs through qemu-user-static registered in binfmt_misc (scripts/setup.sh) on a static arm64
 * busybox. The provenance is read back through the referrers tag schema (docker-registry 2.8)
 * and the referrers API (test/fakes/referrers-proxy.ts), then promoted with the image.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ReferrersProxy, startReferrersProxy } from '../fakes/referrers-proxy.js';
import { dockerEnv } from '../helpers/docker.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT, runAction } from '../helpers/runner.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'; // GITHUB_SHA of the runner harness
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const ARM64_BUSYBOX = join(ROOT, '.tools/busybox/arm64/busybox');

let registry: TestRegistry;
let api: ReferrersProxy;
let context: string;

beforeAll(async () => {
  for (const [path, what] of [
    ['/proc/sys/fs/binfmt_misc/qemu-aarch64', 'a binfmt_misc entry for qemu-aarch64'],
    [ARM64_BUSYBOX, 'an arm64 busybox'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/setup.sh (${what})`);
  }
  registry = await startRegistry();
  api = await startReferrersProxy(registry.url);
  context = mkdtempSync(join(tmpdir(), 'bpi-multi-'));
  copyFileSync('/bin/busybox', join(context, 'busybox-amd64'));
  copyFileSync(ARM64_BUSYBOX, join(context, 'busybox-arm64'));
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM scratch',
      'ARG TARGETARCH',
      'COPY busybox-${TARGETARCH} /bin/busybox',
      // Runs on the target platform: through qemu for arm64.
      'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox uname -m > /arch"]',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await api?.close();
  await registry?.stop();
  if (context) rmSync(context, { recursive: true, force: true });
});

interface Fetched {
  status: number;
  digest: string;
  type: string | null;
  bytes: Buffer;
  json: any;
}

async function get(url: string, accept = ACCEPT): Promise<Fetched> {
  const res = await fetch(url, { headers: { accept } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    type: res.headers.get('content-type'),
    bytes,
    json: (() => {
      try {
        return JSON.parse(bytes.toString('utf8'));
      } catch {
        return undefined; // a layer
      }
    })(),
  };
}

/** The content of `name` in a gzipped layer tarball. */
function fileInLayer(gz: Buffer, name: string): string | undefined {
  const tar = gunzipSync(gz);
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const entry = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (!entry) return undefined;
    const size = Number.parseInt(
      header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0',
      8,
    );
    if (entry.replace(/^\.?\//, '') === name) return tar.subarray(at + 512, at + 512 + size).toString('utf8');
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** Reads a pushed index back: each platform's config architecture and what its RUN step wrote. */
async function platformsOf(base: string, repo: string, digest: string) {
  const index = await get(`${base}/v2/${repo}/manifests/${digest}`);
  expect(index.status).toBe(200);
  expect(index.digest).toBe(digest);
  const out: { platform: string; config: string; ran: string | undefined }[] = [];
  for (const child of index.json.manifests as {
    digest: string;
    platform: { os: string; architecture: string };
  }[]) {
    const manifest = (await get(`${base}/v2/${repo}/manifests/${child.digest}`)).json;
    const config = (await get(`${base}/v2/${repo}/blobs/${manifest.config.digest}`)).json;
    const last = manifest.layers.at(-1);
    const layer = await get(`${base}/v2/${repo}/blobs/${last.digest}`);
    out.push({
      platform: `${child.platform.os}/${child.platform.architecture}`,
      config: `${config.os}/${config.architecture}`,
      ran: fileInLayer(layer.bytes, 'arch')?.trim(),
    });
  }
  return {
    mediaType: index.json.mediaType as string,
    platforms: out.sort((a, b) => a.platform.localeCompare(b.platform)),
  };
}

const EXPECTED_PLATFORMS = [
  { platform: 'linux/amd64', config: 'linux/amd64', ran: 'x86_64' },
  { platform: 'linux/arm64', config: 'linux/arm64', ran: 'aarch64' },
];

/** The in-toto statement referring to `digest`: through the referrers API (`viaApi`) or the referrers tag. */
async function provenanceOf(base: string, repo: string, digest: string, viaApi: boolean) {
  const listed = viaApi
    ? await get(`${base}/v2/${repo}/referrers/${digest}`, 'application/vnd.oci.image.index.v1+json')
    : await get(`${base}/v2/${repo}/manifests/${digest.replace(':', '-')}`);
  expect(listed.status).toBe(200);
  const found = (listed.json.manifests as { digest: string; artifactType?: string }[]).filter(
    (d) => d.artifactType === 'application/vnd.in-toto+json',
  );
  expect(found).toHaveLength(1);
  const manifest = (await get(`${base}/v2/${repo}/manifests/${found[0]?.digest}`)).json;
  expect(manifest.artifactType).toBe('application/vnd.in-toto+json');
  expect(manifest.subject.digest).toBe(digest);
  const layer = await get(`${base}/v2/${repo}/blobs/${manifest.layers[0].digest}`);
  expect(layer.digest).toBe(manifest.layers[0].digest);
  return { subject: manifest.subject, statement: JSON.parse(layer.bytes.toString('utf8')) };
}

function expectValidProvenance(statement: any, digest: string, repo: string, builder: string) {
  expect(statement).toMatchObject({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: repo, digest: { sha256: digest.slice('sha256:'.length) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: expect.stringMatching(/^https:\/\//),
        externalParameters: {
          source: { repository: 'https://github.com/octo/app', ref: 'refs/heads/main', commit: SHA },
          inputs: { image: repo, platforms: ['linux/amd64', 'linux/arm64'], builder },
        },
        resolvedDependencies: [
          { uri: 'git+https://github.com/octo/app@refs/heads/main', digest: { gitCommit: SHA } },
        ],
      },
      runDetails: {
        builder: { id: 'https://github.com/actions/runner/github-hosted' },
        metadata: { invocationId: 'https://github.com/octo/app/actions/runs/4242' },
      },
    },
  });
  const { startedOn, finishedOn } = statement.predicate.runDetails.metadata;
  expect(Date.parse(finishedOn)).toBeGreaterThanOrEqual(Date.parse(startedOn));
  // No credentials in the recorded inputs.
  expect(Object.keys(statement.predicate.buildDefinition.externalParameters.inputs)).not.toContain(
    'registry-password',
  );
}

describe('multi-platform builds push an index; provenance is a referrer of it', () => {
  it('buildah: --platform and a manifest list, RUN on arm64 through qemu; provenance via the referrers tag; promoted with it', async () => {
    const repo = `${registry.host}/team/multi`;
    const run = await runAction('build-push-image', {
      inputs: {
        image: repo,
        context,
        builder: 'buildah',
        platforms: 'linux/amd64,linux/arm64',
        provenance: 'true',
        tags: 'v1',
        'tls-verify': 'false',
      },
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const digest = run.outputs.digest as string;
    expect(run.outputs.referrers).toBe('1');
    const pushed = await platformsOf(registry.url, 'team/multi', digest);
    expect(pushed.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(pushed.platforms).toEqual(EXPECTED_PLATFORMS);
    const { subject, statement } = await provenanceOf(registry.url, 'team/multi', digest, false);
    expect(subject).toEqual({ mediaType: pushed.mediaType, digest, size: expect.any(Number) });
    expectValidProvenance(statement, digest, repo, 'buildah');

    // Promoted through a registry with the referrers API: the provenance travels with the index.
    const promoted = await runAction('build-push-image', {
      inputs: {
        image: `${api.host}/prod/multi`,
        'promote-from': `${repo}@${digest}`,
        tags: 'production',
        'tls-verify': 'false',
      },
    });
    expect(promoted.errors).toEqual([]);
    expect(promoted.outputs).toMatchObject({ digest, referrers: '1' });
    expect(promoted.summary).toContain('1 referrer');
    expect((await platformsOf(registry.url, 'prod/multi', digest)).platforms).toEqual(EXPECTED_PLATFORMS);
    expect((await provenanceOf(api.url, 'prod/multi', digest, true)).statement).toEqual(statement);
  }, 200_000);

  it('buildx on the docker driver: one platform at a time, then the index; provenance via the referrers API', async () => {
    const repo = `${api.host}/team/bx`;
    const run = await runAction('build-push-image', {
      inputs: {
        image: repo,
        context,
        builder: 'buildx',
        network: 'host',
        platforms: 'linux/amd64,linux/arm64',
        provenance: 'true',
        tags: 'v1,stable',
        'tls-verify': 'false',
      },
      env: dockerEnv(),
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('builds one platform at a time');
    const digest = run.outputs.digest as string;
    const pushed = await platformsOf(registry.url, 'team/bx', digest);
    expect(pushed.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(pushed.platforms).toEqual(EXPECTED_PLATFORMS);
    for (const tag of ['v1', 'stable']) {
      expect((await get(`${registry.url}/v2/team/bx/manifests/${tag}`)).digest).toBe(digest);
    }
    const tags = (await get(`${registry.url}/v2/team/bx/tags/list`)).json.tags as string[];
    expect(tags.sort()).toEqual(['stable', 'v1', 'v1-linux-amd64', 'v1-linux-arm64']);
    const { statement } = await provenanceOf(api.url, 'team/bx', digest, true);
    expectValidProvenance(statement, digest, repo, 'buildx');
  }, 200_000);

  it('buildah --layers, FROM scratch + COPY of the same file: an index of both platforms (also with cache: true)', async () => {
    // The last stage of the usual cross-compile pattern, where nothing differs between platforms:
    // buildah 1.28's layer cache gives the second platform the first one's image.
    const same = mkdtempSync(join(tmpdir(), 'bpi-same-'));
    try {
      writeFileSync(join(same, 'index.html'), '<h1>same on every platform</h1>\n');
      writeFileSync(join(same, 'Dockerfile'), 'FROM scratch\nCOPY index.html /srv/index.html\n');
      for (const [repo, cache] of [
        ['team/same', 'false'],
        ['team/same-cached', 'true'],
      ] as const) {
        const run = await runAction('build-push-image', {
          inputs: {
            image: `${registry.host}/${repo}`,
            context: same,
            builder: 'buildah',
            platforms: 'linux/amd64,linux/arm64',
            tags: 'v1',
            cache,
            'tls-verify': 'false',
          },
          timeoutMs: 180_000,
        });
        expect(run.errors).toEqual([]);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('building linux/arm64 again without the layer cache');
        const index = await get(`${registry.url}/v2/${repo}/manifests/${run.outputs.digest}`);
        const configs: string[] = [];
        for (const child of index.json.manifests) {
          const manifest = (await get(`${registry.url}/v2/${repo}/manifests/${child.digest}`)).json;
          const config = (await get(`${registry.url}/v2/${repo}/blobs/${manifest.config.digest}`)).json;
          expect(`${child.platform.os}/${child.platform.architecture}`).toBe(
            `${config.os}/${config.architecture}`,
          );
          configs.push(`${config.os}/${config.architecture}`);
        }
        expect(configs.sort()).toEqual(['linux/amd64', 'linux/arm64']);
      }
    } finally {
      rmSync(same, { recursive: true, force: true });
    }
  }, 300_000);

  it('a builder that drops a platform fails naming it, and pushes nothing', async () => {
    // A stand-in buildah that leaves linux/arm64 out of every build (as one without an emulator would).
    const bin = mkdtempSync(join(tmpdir(), 'bpi-standin-'));
    try {
      const real = execFileSync('sh', ['-c', 'command -v buildah'], { encoding: 'utf8' }).trim();
      writeFileSync(
        join(bin, 'buildah'),
        [
          '#!/bin/bash',
          'args=(); prev=""',
          'for a in "$@"; do',
          '  orig="$a"',
          '  if [ "$prev" = "--platform" ]; then',
          '    a=$(printf "%s" "$a" | tr "," "\\n" | grep -vx linux/arm64 | paste -sd, -)',
          '    [ -z "$a" ] && exit 0',
          '  fi',
          '  args+=("$a"); prev="$orig"',
          'done',
          `exec ${real} "\${args[@]}"`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const run = await runAction('build-push-image', {
        inputs: {
          image: `${registry.host}/team/short`,
          context,
          builder: 'buildah',
          platforms: 'linux/amd64,linux/arm64',
          tags: 'v1',
          'tls-verify': 'false',
        },
        env: { PATH: `${bin}:${process.env.PATH}` },
        timeoutMs: 180_000,
      });
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain('no image for linux/arm64');
      expect((await get(`${registry.url}/v2/team/short/tags/list`)).status).toBe(404);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 300_000);

  it('bad platforms fail before any build, with one clear error', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/bad`,
        context,
        platforms: 'linux/amd64,arm64',
        'tls-verify': 'false',
      },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('platforms');
    expect(run.errors[0]).toContain('"arm64" is not os/arch[/variant]');
    const promote = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/bad`,
        'promote-from': `${registry.host}/team/multi:v1`,
        provenance: 'true',
        'tls-verify': 'false',
      },
    });
    expect(promote.code).toBe(1);
    expect(promote.errors).toHaveLength(1);
    expect(promote.errors[0]).toContain('provenance');
  });
});
