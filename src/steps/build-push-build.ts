/**
 * build-push-image's build flow: pick the builder, run the test stage, build and push with the
 * secrets, SSH and layer cache the settings name, check the platforms, attach the provenance,
 * then point every tag at the one digest the registry holds.
 */
import { rmSync } from 'node:fs';
import { selectBuilder, systemProbe } from '../core/build/select.js';
import {
  addSteps,
  type BuildCache,
  type Builder,
  type BuilderChoice,
  type BuildResult,
  type BuildSpec,
} from '../core/build/types.js';
import { InputError, StepError } from '../core/errors.js';
import { formatImageRef, type ImageRef, repositoryName } from '../core/image-ref.js';
import { CommandFailed } from '../core/process.js';
import { attachProvenance, provenanceStatement } from '../core/provenance.js';
import type { RegistryClient } from '../core/registry/client.js';
import { copyImage } from '../core/registry/copy.js';
import type { Credentials } from '../core/registry/docker-config.js';
import { assembleIndex, checkPushedPlatforms } from '../core/registry/image-index.js';
import { digestTag } from '../core/registry/media-types.js';
import type { TagPlan } from '../core/tags.js';
import type { Runtime } from '../platform/runtime.js';
import { builderAuth, type CredentialInputs, writeSecrets } from './build-push-credentials.js';
import type { Outcome } from './build-push-promote.js';
import { createdLabel, ociLabels } from './build-time.js';
import { type SignSettings, signAndAttach } from './signing.js';

/** What the settings resolved for a build (paths checked, defaults filled). */
export interface BuildSettings extends CredentialInputs {
  image: ImageRef;
  context: string;
  file: string;
  /** As the user gave them, for the provenance. */
  contextInput: string;
  fileInput?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  testTarget?: string;
  builder: BuilderChoice;
  platforms?: string[];
  network?: 'host' | 'none';
  push: boolean;
  provenance: boolean;
  tlsVerify: boolean;
  secrets: { id: string; value: string }[];
  secretFiles: { id: string; path: string }[];
  ssh: { id: string; paths: string[] }[];
  cache?: { repository: ImageRef; from: ImageRef[]; inlineFrom: string[] };
  /** `sign`: how the signature (and the provenance) are signed. */
  signing?: SignSettings;
  plan: TagPlan;
  time: { epoch: number; source: string; reproducible: boolean };
}

/** The inputs the provenance records: what shaped the build; no credentials, no secret values. */
function provenanceInputs(input: BuildSettings, builder: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    image: formatImageRef(input.image),
    context: input.contextInput,
    file: input.fileInput,
    tags: input.tags,
    'build-args': input.buildArgs,
    labels: input.labels,
    target: input.target,
    'test-target': input.testTarget,
    builder,
    platforms: input.platforms,
    network: input.network,
    // Which secrets and SSH ids the build could mount: ids only, never a value or a path.
    secrets: input.secrets.length ? input.secrets.map((s) => s.id) : undefined,
    'secret-files': input.secretFiles.length ? input.secretFiles.map((s) => s.id) : undefined,
    ssh: input.ssh.length ? input.ssh.map((s) => s.id) : undefined,
    cache: input.cache ? repositoryName(input.cache.repository) : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
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
    return await rt.group(`Test stage "${testTarget}" (${builder.name})`, () =>
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

function cacheLine(input: BuildSettings, steps: BuildResult['steps']): string | undefined {
  if (!input.cache) return undefined;
  const where = `\`${repositoryName(input.cache.repository)}\``;
  if (!steps) return `read from and written to ${where}`;
  return `${steps.cached} of ${steps.total} build step${steps.total === 1 ? '' : 's'} from the cache (${where})`;
}

export type BuildOutcome = (Outcome & { pushed: true }) | { pushed: false; summary: string };

export async function build(
  input: BuildSettings,
  target: RegistryClient,
  targetCreds: Credentials | undefined,
  rt: Runtime,
): Promise<BuildOutcome> {
  const { plan, time } = input;
  const repo = repositoryName(input.image);
  const refs = plan.tags.map((tag) => `${repo}:${tag}`);
  const platforms = input.platforms ?? [];
  const { builder, reason } = await selectBuilder(input.builder, systemProbe(rt.env), {
    tempDir: rt.tempDir,
    env: rt.env,
  });
  rt.info(`Builder: ${builder.name} (${reason})`);
  // `builder: auto` is known only now; an explicit one was checked with the settings.
  const refusal = builder.refuses({
    platforms,
    secrets: input.secrets.length + input.secretFiles.length > 0,
    ssh: input.ssh.length > 0,
  });
  if (refusal) throw new InputError(refusal.input, refusal.value, refusal.accepted);
  const startedOn = new Date();
  rt.info(`Build time: ${createdLabel(time.epoch)} (${time.source})`);

  const secretFiles = input.secrets.length ? writeSecrets(rt.tempDir, input.secrets) : undefined;
  const authDir = await builderAuth(input, targetCreds, rt);
  try {
    const cache: BuildCache | undefined = input.cache && {
      repository: repositoryName(input.cache.repository),
      from: input.cache.from.map(formatImageRef),
      inlineFrom: input.cache.inlineFrom,
      tlsVerify: input.tlsVerify,
      // A build that pushes nothing (a pull request's, often without write access) only reads.
      write: input.push,
      ...(authDir ? { authDir } : {}),
    };
    const secrets = [
      ...(secretFiles?.files ?? []),
      ...input.secretFiles.map(({ id, path }) => ({ id, src: path })),
    ];
    const spec: BuildSpec = {
      context: input.context,
      file: input.file,
      ...(input.target ? { target: input.target } : {}),
      buildArgs: input.buildArgs ?? {},
      labels: { ...ociLabels(plan, time.epoch, rt.ctx), ...input.labels },
      // Without a commit time the builders keep their own clocks, as the label does.
      ...(time.reproducible ? { sourceDateEpoch: time.epoch } : {}),
      ...(input.network ? { network: input.network } : {}),
      ...(platforms.length ? { platforms } : {}),
      ...(secrets.length ? { secrets } : {}),
      ...(input.ssh.length ? { ssh: input.ssh } : {}),
      ...(input.secrets.length ? { mask: input.secrets.map((s) => s.value) } : {}),
      ...(cache ? { cache } : {}),
    };
    const testSteps = input.testTarget
      ? await runTestStage(builder, spec, input.testTarget, plan.version, rt)
      : undefined;
    if (!input.push) {
      const built = await rt
        .group(`Build ${repo} (${builder.name}, not pushed)`, () => builder.build(spec, undefined, rt))
        .catch(buildFailed);
      const cached = cacheLine(input, addSteps(testSteps, built.steps));
      return {
        pushed: false,
        summary: `### Image built, not pushed\n\n${refs.map((r) => `- \`${r}\``).join('\n')}\n${cached ? `\nCache: ${cached}\n` : ''}`,
      };
    }
    let built = await rt
      .group(`Build and push ${refs[0]} (${builder.name})`, () =>
        builder.build(
          spec,
          { ref: refs[0] as string, tlsVerify: input.tlsVerify, ...(authDir ? { authDir } : {}) },
          rt,
        ),
      )
      .catch(buildFailed);
    const steps = addSteps(testSteps, built.steps);
    if (built.parts) {
      const parts = built.parts;
      built = {
        digest: await rt.group(`Assemble the index of ${platforms.join(', ')}`, () =>
          assembleIndex(target, input.image.repository, plan.tags[0] as string, parts, rt),
        ),
      };
    }
    // The registry is the truth: resolve the digest there, then point every other tag at it.
    const reference = built.untagged && built.digest ? built.digest : (plan.tags[0] as string);
    const pushed = await target.headManifest(input.image.repository, reference);
    if (!pushed) throw new StepError(`${repo}@${reference} is not in the registry after the push`);
    if (built.digest && built.digest !== pushed.digest) {
      rt.warning(
        `${builder.name} reported ${built.digest}, the registry has ${pushed.digest}; using the registry's`,
      );
    }
    if (platforms.length > 1)
      await checkPushedPlatforms(target, input.image.repository, pushed.digest, platforms);
    let referrers = 0;
    let signed: Awaited<ReturnType<typeof signAndAttach>> | undefined;
    if (input.signing) {
      // Signed before the other tags, like the provenance: every tag points at a signed digest.
      const sign = input.signing;
      const { signatureStatement, COSIGN_SIGN_PREDICATE } = await import('../core/sign/statement.js');
      const { SLSA_PROVENANCE_V1 } = await import('../core/provenance.js');
      const statements = [
        { statement: signatureStatement(pushed.digest), predicateType: COSIGN_SIGN_PREDICATE },
      ];
      if (input.provenance) {
        statements.push({
          statement: provenanceStatement({
            name: repo,
            subject: pushed,
            ctx: rt.ctx,
            inputs: provenanceInputs(input, builder.name),
            builder: builder.name,
            platforms,
            startedOn,
            finishedOn: new Date(),
          }),
          predicateType: SLSA_PROVENANCE_V1,
        });
      }
      signed = await rt.group(`Sign ${pushed.digest} (${sign.mode})`, () =>
        signAndAttach(
          sign,
          { client: target, repository: input.image.repository, subject: pushed },
          statements,
          rt,
        ),
      );
      for (const line of signed.lines) rt.info(line);
      referrers = statements.length;
    } else if (input.provenance) {
      // Before the other tags: every tag the step writes points at an attested digest.
      const attached = await rt.group(`Attach SLSA provenance to ${pushed.digest}`, () =>
        attachProvenance(target, input.image.repository, {
          name: repo,
          subject: pushed,
          ctx: rt.ctx,
          inputs: provenanceInputs(input, builder.name),
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
    const result = await rt.group(`Tag ${pushed.digest}`, () =>
      copyImage(
        { client: target, repository: input.image.repository, reference: pushed.digest },
        { client: target, repository: input.image.repository, tags: plan.tags },
        rt,
        // Same repository: its referrers are already where they belong.
        { referrers: false },
      ),
    );
    const cached = cacheLine(input, steps);
    if (cached) rt.info(`Cache: ${cached}`);
    return {
      pushed: true,
      result,
      referrers,
      how: `built with ${builder.name} (${reason})${input.testTarget ? `, test stage \`${input.testTarget}\` passed` : ''}`,
      rows: [
        ...(cached ? [['Cache', cached] as [string, string]] : []),
        ...(signed ? [['Signed by', `\`${signed.signer}\``] as [string, string]] : []),
      ],
      ...(signed ? { signature: signed.signature } : {}),
    };
  } finally {
    if (authDir) rmSync(authDir, { recursive: true, force: true });
    if (secretFiles) rmSync(secretFiles.dir, { recursive: true, force: true });
  }
}

function buildFailed(err: unknown): never {
  if (err instanceof CommandFailed)
    throw new StepError(`${err.message}. End of the build log:\n${err.excerpt}`);
  throw err;
}
