/**
 * build-push-image's settings: every check across inputs, the file checks (context, Dockerfile,
 * secret files, SSH sockets and keys), the builder's own rules and the tag plan, so that a bad
 * input is one error before anything is built or pushed.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builderRefuses } from '../core/build/select.js';
import { InputError } from '../core/errors.js';
import { type ImageRef, repositoryName } from '../core/image-ref.js';
import { explicitTags, policyTags, slugTag, type TagPlan } from '../core/tags.js';
import type { CiContext } from '../platform/context.js';
import type { Inputs } from '../platform/inputs.js';
import type { SettingsSource } from '../platform/step.js';
import type { buildPushInputs } from './build-push-inputs.js';
import { buildTime } from './build-time.js';
import { signSettings } from './signing.js';

type Kind = 'directory' | 'file' | 'socket' | 'missing';

function kindOf(path: string): Kind {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : st.isSocket() ? 'socket' : 'missing';
  } catch {
    return 'missing';
  }
}

/**
 * The tags an inline cache is read back from: the image's own tags of this build, its branch's
 * and its default branch's (where the last good build of an unchanged context lives).
 */
function inlineCacheRefs(image: ImageRef, plan: TagPlan, ctx: CiContext): string[] {
  const branch = ctx.refType === 'branch' && ctx.refName ? [slugTag(ctx.refName)] : [];
  const main = ctx.defaultBranch ? [slugTag(ctx.defaultBranch), 'latest'] : [];
  const tags = [...new Set([...branch, ...main, ...plan.tags])];
  return tags.map((t) => `${repositoryName(image)}:${t}`);
}

function withoutCacheInputs<T extends { cache: boolean }>(input: T): Omit<T, 'cache'> {
  const { cache: _, ...rest } = input;
  return rest;
}

/** The file checks and builder rules of a build, before anything runs. */
function buildChecks(
  input: {
    context: string;
    file?: string;
    builder: Parameters<typeof builderRefuses>[0];
    platforms?: string[];
    secrets?: { id: string; value: string }[];
    secretFiles?: { id: string; path: string }[];
    ssh?: { id: string; paths: string[] }[];
  },
  env: Record<string, string | undefined>,
) {
  const context = resolve(input.context);
  if (kindOf(context) !== 'directory')
    throw new InputError('context', input.context, 'a directory that exists');
  const file = resolve(input.file ?? join(context, 'Dockerfile'));
  if (kindOf(file) !== 'file') {
    throw new InputError('file', input.file ?? join(input.context, 'Dockerfile'), 'a Dockerfile that exists');
  }
  const secrets = input.secrets ?? [];
  // The builder's own rules first: a file check cannot help an input the builder refuses.
  const refusal = builderRefuses(input.builder, {
    platforms: input.platforms ?? [],
    secrets: secrets.length + (input.secretFiles?.length ?? 0) > 0,
    ssh: (input.ssh?.length ?? 0) > 0,
  });
  if (refusal) {
    throw new InputError(refusal.input, refusal.value, refusal.accepted, refusal.input === 'secrets');
  }
  const secretFiles = (input.secretFiles ?? []).map(({ id, path }) => {
    if (secrets.some((s) => s.id === id)) {
      throw new InputError('secret-files', `${id}=${path}`, `an id of its own: "${id}" is also in secrets`);
    }
    if (kindOf(resolve(path)) !== 'file') {
      throw new InputError(
        'secret-files',
        `${id}=${path}`,
        `id=path lines naming files that exist (${path} is not a file)`,
      );
    }
    return { id, path: resolve(path) };
  });
  const ssh = (input.ssh ?? []).map(({ id, paths }) => {
    if (paths.length === 0) {
      const sock = env.SSH_AUTH_SOCK;
      if (!sock || kindOf(sock) !== 'socket') {
        throw new InputError(
          'ssh',
          id,
          `default needs the runner's SSH agent, but SSH_AUTH_SOCK ${sock ? `(${sock}) is not a socket` : 'is not set'}: start an agent and add the key first (e.g. ssh-agent and ssh-add), or give id=path of a private key`,
        );
      }
      return { id, paths: [sock] };
    }
    for (const path of paths) {
      const kind = kindOf(resolve(path));
      if (kind !== 'file' && kind !== 'socket') {
        throw new InputError(
          'ssh',
          `${id}=${paths.join(',')}`,
          `id=path lines naming an agent socket or private key files (${path} is neither)`,
        );
      }
    }
    return { id, paths: paths.map((p) => resolve(p)) };
  });
  return { context, file, secrets, secretFiles, ssh };
}

type Parsed = Inputs<typeof buildPushInputs>;

/** Every check across inputs, and the tag plan, before anything is built or pushed. */
export async function buildPushSettings(input: Parsed, { ctx, env }: SettingsSource) {
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
  const buildOnly = (
    [
      ['cache', input.cache ? 'true' : undefined],
      ['cache-repository', input.cacheRepository ? repositoryName(input.cacheRepository) : undefined],
      ['cache-from', input.cacheFrom?.length ? input.cacheFrom.map(repositoryName).join('\n') : undefined],
      ['secrets', input.secrets?.length ? '***' : undefined],
      ['secret-files', input.secretFiles?.length ? input.secretFiles.map((s) => s.id).join('\n') : undefined],
      ['ssh', input.ssh?.length ? input.ssh.map((s) => s.id).join('\n') : undefined],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (input.promoteFrom && buildOnly) {
    throw new InputError(
      buildOnly[0],
      buildOnly[1] as string,
      'nothing with promote-from, which builds nothing',
      buildOnly[0] === 'secrets',
    );
  }
  if (input.cacheRepository && !input.cache) {
    throw new InputError(
      'cache-repository',
      repositoryName(input.cacheRepository),
      'given only with cache: true',
    );
  }
  if (input.cacheFrom?.length && !input.cache) {
    throw new InputError(
      'cache-from',
      input.cacheFrom.map(repositoryName).join('\n'),
      'given only with cache: true',
    );
  }
  // The build's files first: the build time is read from the context's git checkout.
  const checked = input.promoteFrom ? undefined : buildChecks(input, env);
  const sign = await signSettings(input, { ctx, env });
  // Builds of one commit get one build time, hence one digest (see build-time.ts).
  const time = await buildTime(env, resolve(input.context), plan.revision);
  if (input.promoteFrom || !checked) {
    return { ...input, plan, time, promoteFrom: input.promoteFrom, build: undefined };
  }
  const cache = input.cache
    ? {
        repository: input.cacheRepository ?? {
          ...input.image,
          repository: `${input.image.repository}-cache`,
        },
        from: input.cacheFrom ?? [],
        inlineFrom: inlineCacheRefs(input.image, plan, ctx),
      }
    : undefined;
  return {
    ...input,
    plan,
    time,
    build: {
      ...withoutCacheInputs(input),
      ...checked,
      contextInput: input.context,
      ...(input.file ? { fileInput: input.file } : {}),
      ...(cache ? { cache } : {}),
      ...(sign ? { signing: sign } : {}),
      plan,
      time,
    },
  };
}
