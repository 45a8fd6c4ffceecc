/**
 * SLSA provenance v1 for a pushed image, as an in-toto statement v1 attached to the pushed digest
 * as an OCI 1.1 referrer (artifactType `application/vnd.in-toto+json`): through the registry's
 * referrers API where it has one, else the referrers tag schema. Promotion carries it along.
 * https://slsa.dev/spec/v1.0/provenance · https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 */
import type { RegistryClient } from './registry/client.js';
import { IN_TOTO } from './registry/media-types.js';
import { type PushedArtifact, pushArtifact } from './registry/referrers.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const BUILD_TYPE = 'https://stagecraft.dev/build-push-image/v1';

/** What the provenance records about the run: plain values the platform layer reads (its CiContext fits). */
export interface ProvenanceContext {
  provider: string;
  /** The pushed commit, and the head commit of a pull/merge request (preferred when set). */
  sha: string;
  headSha?: string;
  ref?: string;
  eventName: string;
  /** owner/name or group/project, and the code host's URL. */
  repository?: string;
  serverUrl?: string;
  runUrl?: string;
  workflow?: string;
  builderId?: string;
}

export interface ProvenanceInput {
  /** `registry/repository`, the subject's name. */
  name: string;
  /** The pushed manifest or index. */
  subject: { digest: string; mediaType: string; size: number };
  ctx: ProvenanceContext;
  /** The step's inputs as given (secrets left out by the caller). */
  inputs: Record<string, unknown>;
  builder: string;
  platforms: string[];
  startedOn: Date;
  finishedOn: Date;
}

/** `git+https://github.com/o/r@refs/heads/main`, as SLSA names a source. */
function sourceUri(ctx: ProvenanceContext): string | undefined {
  if (!ctx.serverUrl || !ctx.repository) return undefined;
  return `git+${ctx.serverUrl}/${ctx.repository}${ctx.ref ? `@${ctx.ref}` : ''}`;
}

export function provenanceStatement(input: ProvenanceInput) {
  const { ctx } = input;
  const source = sourceUri(ctx);
  const commit = ctx.headSha || ctx.sha;
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: input.name, digest: { sha256: input.subject.digest.replace(/^sha256:/, '') } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          source: {
            ...(ctx.serverUrl && ctx.repository ? { repository: `${ctx.serverUrl}/${ctx.repository}` } : {}),
            ...(ctx.ref ? { ref: ctx.ref } : {}),
            ...(commit ? { commit } : {}),
          },
          ...(ctx.workflow ? { workflow: ctx.workflow } : {}),
          event: ctx.eventName,
          inputs: input.inputs,
        },
        internalParameters: { provider: ctx.provider, builder: input.builder, platforms: input.platforms },
        resolvedDependencies: source && commit ? [{ uri: source, digest: { gitCommit: commit } }] : [],
      },
      runDetails: {
        builder: { id: ctx.builderId ?? 'https://stagecraft.dev/local' },
        metadata: {
          ...(ctx.runUrl ? { invocationId: ctx.runUrl } : {}),
          startedOn: input.startedOn.toISOString(),
          finishedOn: input.finishedOn.toISOString(),
        },
      },
    },
  };
}

/** Pushes the provenance of `input.subject` as its referrer in `repository`. */
export function attachProvenance(
  client: RegistryClient,
  repository: string,
  input: ProvenanceInput,
): Promise<PushedArtifact> {
  const statement = provenanceStatement(input);
  return pushArtifact(client, repository, {
    subject: input.subject,
    artifactType: IN_TOTO,
    layers: [
      {
        mediaType: IN_TOTO,
        bytes: new TextEncoder().encode(JSON.stringify(statement)),
        annotations: { 'in-toto.io/predicate-type': SLSA_PROVENANCE_V1 },
      },
    ],
    annotations: {
      'in-toto.io/predicate-type': SLSA_PROVENANCE_V1,
      'org.opencontainers.image.created': input.finishedOn.toISOString(),
    },
  });
}
