import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { selectBuilder, systemProbe } from '../core/build/select.js';
import type { Builder, BuildResult, BuildSpec } from '../core/build/types.js';
import { InputError, StepError } from '../core/errors.js';
import { formatImageRef, type ImageRef, repositoryName } from '../core/image-ref.js';
import { excerpt, table } from '../core/markdown.js';
import { CommandFailed } from '../core/process.js';
import { attachProvenance } from '../core/provenance.js';
import { RegistryClient } from '../core/registry/client.js';
import { type CopyResult, copyImage } from '../core/registry/copy.js';
import { authConfigFor, type Credentials, credentialsFromFiles } from '../core/registry/docker-config.js';
import { DOCKER_LIST, DOCKER_MANIFEST, digestTag, OCI_INDEX } from '../core/registry/media-types.js';
import { explicitTags, policyTags } from '../core/tags.js';
import type { Runtime } from '../platform/runtime.js';
import { defineStep } from '../platform/step.js';
import { buildPushInputs } from './build-push-inputs.js';
import { buildTime, createdLabel, ociLabels } from './build-time.js';

type Parsed = {
  image: ImageRef;
  registryUsername?: string;
  registryPassword?: string;
  tlsVerify: boolean;
};

/** Explicit credentials, else the docker config / containers auth file; passwords are masked. */
async function credentialsFor(
  registry: string,
  input: Parsed,
  rt: Runtime,
): Promise<Credentials | undefined> {
  // Paired at the edge (settings): both or neither.
  if (input.registryUsername && input.registryPassword && registry === input.image.registry) {
    return { username: input.registryUsername, password: input.registryPassword };
  }
  const home = rt.env.HOME ?? '';
  const paths = [
    rt.env.REGISTRY_AUTH_FILE,
    rt.env.DOCKER_CONFIG ? join(rt.env.DOCKER_CONFIG, 'config.json') : join(home, '.docker/config.json'),
    rt.env.XDG_RUNTIME_DIR ? join(rt.env.XDG_RUNTIME_DIR, 'containers/auth.json') : undefined,
  ].filter((p): p is string => Boolean(p));
  const found = await credentialsFromFiles(paths, registry, {
    read: (p) => readFileSync(p, 'utf8'),
    env: rt.env,
  });
  if (!found) return undefined;
  rt.setSecret(found.credentials.password);
  rt.info(`Using credentials for ${registry} from ${found.source}`);
  return found.credentials;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Runs the test stage; a failure becomes a StepError with the end of the build log, and a summary
 * naming the stage (the job's report shows why nothing was pushed).
 */
async function runTestStage(
  builder: Builder,
  spec: BuildSpec,
  testTarget: string,
  version: string,
  rt: Runtime,
) {
  try {
    await rt.group(`Test stage "${testTarget}" (${builder.name})`, () =>
      builder.test({ ...spec, target: testTarget, labels: {} }, rt),
    );
  } catch (err) {
    if (!(err instanceof CommandFailed)) throw err;
    throw new StepError(
      `test stage "${testTarget}" failed, nothing was pushed. End of the build log:\n${err.excerpt}`,
      {
        outputs: version ? { version } : {},
        summary: [
          `### Test stage \`${testTarget}\` failed: nothing was pushed`,
          '',
          `Built with ${builder.name}. End of the build log:`,
          '',
          '```',
          err.excerpt,
          '```',
          '',
        ].join('\n'),
      },
    );
  }
}

/** Writes a Docker config with just this registry's credentials for the builder; removed by the caller. */
function writeAuthDir(tempDir: string, registry: string, creds: Credentials): string {
  const dir = mkdtempSync(join(tempDir, 'stagecraft-auth-'));
  writeFileSync(join(dir, 'config.json'), authConfigFor(registry, creds), { mode: 0o600 });
  return dir;
}

/** The inputs the provenance records: what shaped the build, no credentials. */
function provenanceInputs(input: {
  image: ImageRef;
  context: string;
  file?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  testTarget?: string;
  builder: string;
  platforms?: string[];
  network?: string;
}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    image: formatImageRef(input.image),
    context: input.context,
    file: input.file,
    tags: input.tags,
    'build-args': input.buildArgs,
    labels: input.labels,
    target: input.target,
    'test-target': input.testTarget,
    builder: input.builder,
    platforms: input.platforms,
    network: input.network,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/**
 * The index over images a builder pushed one platform at a time (`<tag>-<os>-<arch>`): an OCI
 * index, or a Docker manifest list when the images are Docker schema 2 (as the Docker engine
 * pushes them), stored under `tag`. Returns its digest.
 */
async function assembleIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  parts: { platform: string; ref: string }[],
  rt: Runtime,
): Promise<string> {
  const manifests = await Promise.all(
    parts.map(async ({ platform, ref }) => {
      const partTag = ref.slice(ref.lastIndexOf(':') + 1);
      const head = await client.headManifest(repository, partTag);
      if (!head) throw new StepError(`${ref} is not in the registry after the push`);
      const [os, architecture, variant] = platform.split('/') as [string, string, string | undefined];
      return {
        mediaType: head.mediaType,
        digest: head.digest,
        size: head.size,
        platform: { architecture, os, ...(variant ? { variant } : {}) },
      };
    }),
  );
  const docker = manifests.every((m) => m.mediaType === DOCKER_MANIFEST);
  const mediaType = docker ? DOCKER_LIST : OCI_INDEX;
  const bytes = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
  const digest = await client.putManifest(repository, tag, bytes, mediaType);
  rt.info(
    `Index ${digest} over ${manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).join(', ')}`,
  );
  return digest;
}

export const buildPushImage = defineStep({
  name: 'build-push-image',
  example: `
- id: build
  uses: <owner>/stagecraft/actions/build-push-image@v1
  with:
    image: ghcr.io/acme/shop
    test-target: test          # unit tests run in the build; a failure pushes nothing
    build-args: VERSION=\${{ github.sha }}
    registry-username: \${{ github.actor }}
    registry-password: \${{ secrets.GITHUB_TOKEN }}
# later, promote the tested digest without rebuilding:
- uses: <owner>/stagecraft/actions/build-push-image@v1
  with:
    image: ghcr.io/acme/shop
    promote-from: \${{ steps.build.outputs.image-ref }}
    tags: production
`,
  title: 'Build and push image',
  description:
    "Builds the image once (tests run inside the build), pushes it with a tag policy and OCI labels, or promotes an existing image by digest. Builds are reproducible: they are stamped with the commit's time (SOURCE_DATE_EPOCH wins), so a rebuild of one commit has the same digest.",
  stage: 'build',
  inputs: buildPushInputs,
  outputs: {
    digest: 'Digest of the pushed image, `sha256:…`',
    'image-ref': 'The image pinned by digest, `image@sha256:…`',
    tags: 'Full references of every pushed tag, one a line',
    version: 'The version the image carries (git tag version, else the short sha, else the first tag)',
    referrers:
      'How many referrers travelled with the digest: those a promotion copied (signatures, SBOMs, attestations, recursively), or the provenance a build attached',
  },
  /** Every check across inputs, and the tag plan, before anything is built or pushed. */
  async settings(input, { ctx, env }) {
    if (Boolean(input.registryUsername) !== Boolean(input.registryPassword)) {
      throw input.registryUsername
        ? new InputError('registry-password', '', 'it is required with registry-username', true)
        : new InputError('registry-username', '', 'it is required with registry-password');
    }
    // The sha tag is as long as the platform's own short sha: GitLab's CI_COMMIT_SHORT_SHA has 8.
    const shaLength = input.shaLength ?? (ctx.provider === 'gitlab' ? 8 : 7);
    const plan = input.tags ? explicitTags(input.tags, ctx) : policyTags(ctx, shaLength);
    if (plan.tags.length === 0) {
      throw new InputError(
        'tags',
        '',
        'no tag could be derived (no commit sha in this context): give tags explicitly',
      );
    }
    if (input.promoteFrom && !input.push) {
      throw new InputError('push', 'false', 'promote-from copies to the registry; it needs push: true');
    }
    if (input.promoteFrom && input.platforms) {
      throw new InputError(
        'platforms',
        input.platforms.join(','),
        'nothing with promote-from, which copies every platform of the source as it is',
      );
    }
    if (input.promoteFrom && input.provenance) {
      throw new InputError(
        'provenance',
        'true',
        "false with promote-from: provenance describes a build; a promotion carries the source's own attestations",
      );
    }
    if (input.provenance && !input.push) {
      throw new InputError(
        'provenance',
        'true',
        'false with push: false (the provenance is attached to the pushed digest)',
      );
    }
    // Builds of one commit get one build time, hence one digest (see build-time.ts).
    const time = await buildTime(env, resolve(input.context), plan.revision);
    return { ...input, plan, time };
  },
  async run(input, rt) {
    const { plan, time } = input;
    const repo = repositoryName(input.image);
    const refs = plan.tags.map((tag) => `${repo}:${tag}`);
    const platforms = input.platforms ?? [];
    const insecure = !input.tlsVerify;
    const targetCreds = await credentialsFor(input.image.registry, input, rt);
    const target = new RegistryClient({
      registry: input.image.registry,
      insecure,
      ...(targetCreds ? { credentials: targetCreds } : {}),
      log: rt,
    });

    let result: CopyResult;
    let how: string;
    let referrers = 0;
    if (input.promoteFrom) {
      const from = input.promoteFrom;
      const sourceClient =
        from.registry === input.image.registry
          ? target
          : await (async () => {
              const creds = await credentialsFor(from.registry, input, rt);
              return new RegistryClient({
                registry: from.registry,
                insecure,
                ...(creds ? { credentials: creds } : {}),
                log: rt,
              });
            })();
      result = await rt.group(`Promote ${formatImageRef(from)} → ${refs.join(', ')}`, () =>
        copyImage(
          {
            client: sourceClient,
            repository: from.repository,
            reference: from.digest ?? (from.tag as string),
          },
          { client: target, repository: input.image.repository, tags: plan.tags },
          rt,
        ),
      );
      referrers = result.referrers;
      how = `promoted from \`${formatImageRef(from)}\` (${result.manifests} manifest${result.manifests === 1 ? '' : 's'}, ${result.referrers} referrer${result.referrers === 1 ? '' : 's'}; ${result.blobsMounted} blobs mounted, ${result.blobsCopied} copied, ${result.blobsPresent} already there; ${formatSize(result.bytesCopied)} moved)`;
    } else {
      const context = resolve(input.context);
      if (!isDirectory(context)) throw new InputError('context', input.context, 'a directory that exists');
      const file = resolve(input.file ?? join(context, 'Dockerfile'));
      if (!isFile(file)) {
        throw new InputError(
          'file',
          input.file ?? join(input.context, 'Dockerfile'),
          'a Dockerfile that exists',
        );
      }
      const { builder, reason } = await selectBuilder(input.builder, systemProbe(rt.env), {
        tempDir: rt.tempDir,
        env: rt.env,
      });
      rt.info(`Builder: ${builder.name} (${reason})`);
      if (builder.name === 'kaniko' && platforms.length > 1) {
        throw new InputError(
          'platforms',
          platforms.join(','),
          'one platform with kaniko (it builds no image index): several need buildx or buildah',
        );
      }
      const startedOn = new Date();
      rt.info(`Build time: ${createdLabel(time.epoch)} (${time.source})`);
      const spec: BuildSpec = {
        context,
        file,
        ...(input.target ? { target: input.target } : {}),
        buildArgs: input.buildArgs ?? {},
        labels: { ...ociLabels(plan, time.epoch, rt.ctx), ...input.labels },
        // Without a commit time the builders keep their own clocks, as the label does.
        ...(time.reproducible ? { sourceDateEpoch: time.epoch } : {}),
        ...(input.network ? { network: input.network } : {}),
        ...(platforms.length ? { platforms } : {}),
      };
      if (input.testTarget) await runTestStage(builder, spec, input.testTarget, plan.version, rt);
      if (!input.push) {
        await rt.group(`Build ${repo} (${builder.name}, not pushed)`, () =>
          builder.build(spec, undefined, rt),
        );
        return {
          outputs: {
            digest: '',
            'image-ref': '',
            tags: refs.join('\n'),
            version: plan.version,
            referrers: '0',
          },
          summary: `### Image built, not pushed\n\n${refs.map((r) => `- \`${r}\``).join('\n')}\n`,
        };
      }
      const authDir = targetCreds ? writeAuthDir(rt.tempDir, input.image.registry, targetCreds) : undefined;
      let built: BuildResult;
      try {
        built = await rt
          .group(`Build and push ${refs[0]} (${builder.name})`, () =>
            builder.build(
              spec,
              { ref: refs[0] as string, tlsVerify: input.tlsVerify, ...(authDir ? { authDir } : {}) },
              rt,
            ),
          )
          .catch((err: unknown) => {
            if (err instanceof CommandFailed)
              throw new StepError(`${err.message}. End of the build log:\n${err.excerpt}`);
            throw err;
          });
      } finally {
        if (authDir) rmSync(authDir, { recursive: true, force: true });
      }
      if (built.parts) {
        built = {
          digest: await rt.group(`Assemble the index of ${platforms.join(', ')}`, () =>
            assembleIndex(target, input.image.repository, plan.tags[0] as string, built.parts ?? [], rt),
          ),
        };
      }
      // The registry is the truth: resolve the digest there, then point every other tag at it.
      const pushed = await target.headManifest(input.image.repository, plan.tags[0] as string);
      if (!pushed) throw new StepError(`${refs[0]} is not in the registry after the push`);
      if (built.digest && built.digest !== pushed.digest) {
        rt.warning(
          `${builder.name} reported ${built.digest}, the registry has ${pushed.digest}; using the registry's`,
        );
      }
      if (input.provenance) {
        // Before the other tags: every tag the step writes points at an attested digest.
        const attached = await rt.group(`Attach SLSA provenance to ${pushed.digest}`, () =>
          attachProvenance(target, input.image.repository, {
            name: repo,
            subject: pushed,
            ctx: rt.ctx,
            inputs: provenanceInputs(input),
            builder: builder.name,
            platforms,
            startedOn,
            finishedOn: new Date(),
          }),
        );
        referrers = 1;
        rt.info(
          `Provenance ${attached.digest} refers to ${pushed.digest} (${attached.via === 'api' ? 'referrers API' : `referrers tag ${digestTag(pushed.digest)}`})`,
        );
      }
      result = await rt.group(`Tag ${pushed.digest}`, () =>
        copyImage(
          { client: target, repository: input.image.repository, reference: pushed.digest },
          { client: target, repository: input.image.repository, tags: plan.tags },
          rt,
          // Same repository: its referrers are already where they belong.
          { referrers: false },
        ),
      );
      how = `built with ${builder.name} (${reason})${input.testTarget ? `, test stage \`${input.testTarget}\` passed` : ''}`;
    }

    const imageRef = `${repo}@${result.digest}`;
    rt.info(`Pushed ${imageRef} as ${plan.tags.join(', ')}`);
    return {
      outputs: {
        digest: result.digest,
        'image-ref': imageRef,
        tags: refs.join('\n'),
        version: plan.version,
        referrers: String(referrers),
      },
      summary: [
        `### Image pushed: \`${excerpt(repo, 120)}\``,
        '',
        table(
          ['', ''],
          [
            ['Digest', `\`${result.digest}\``],
            ['Tags', refs.map((r) => `\`${r}\``).join('<br>')],
            ['Size', formatSize(result.size)],
            ['Registry', `\`${input.image.registry}\` · repository \`${input.image.repository}\``],
            ['Version', plan.version ? `\`${plan.version}\`` : '—'],
            ...(platforms.length || result.mediaType === OCI_INDEX || result.mediaType === DOCKER_LIST
              ? [['Platforms', platforms.length ? platforms.join(', ') : `${result.manifests - 1} (index)`]]
              : []),
            ['Referrers', String(referrers)],
            ['How', how],
          ],
        ),
        '',
      ].join('\n'),
    };
  },
});
