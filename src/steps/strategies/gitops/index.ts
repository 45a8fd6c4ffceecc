/**
 * The gitops strategy's target and adapter (inputs: ./inputs.ts; core: src/core/deploy/gitops/).
 * deploy-env's target carries the entries to write (FILE KEY IMAGE VALUE, one per `updates`
 * line or the single `file`/`key`/`image`) and the optional Argo CD / Flux verification.
 */
import { InputError } from '../../../core/errors.js';
import { formatImageRef, type ParsedImage, repositoryName } from '../../../core/image-ref.js';
import type { CiContext } from '../../../platform/context.js';
import type { Inputs } from '../../../platform/inputs.js';
import type { SettingsSource } from '../../../platform/step.js';
import { defineStrategy, missingImage, type StrategyEnv, withEnv } from '../strategy.js';
import { gitopsInputs, type UpdateLine, verifyInputs } from './inputs.js';
import { type GitopsVerify, gitopsVerify, type VerifyInput, verifyGitopsDeploy } from './verify.js';

export interface GitopsTarget {
  /** Git URL or path; absent: this repository on the CI platform (resolved when deploying). */
  repository?: string;
  branch?: string;
  /** File to change; `{environment}` is replaced once the environment is known. */
  file: string;
  key: string[];
  /** `updates`: several FILE KEY IMAGE lines in one commit (then file/key/image are not used). */
  updates?: UpdateLine[];
  valueKind: 'tag' | 'digest' | 'ref';
  commitMessage?: string;
  token?: string;
  /** The user name that goes with a token in HTTP basic auth on the platform. */
  tokenUser: string;
  /** `git`: clone, commit, push; `api`: commit through the forge API, no clone. */
  via: 'git' | 'api';
  /** Commit to `stagecraft/<environment>` and open or update one PR/MR into `branch`. */
  pullRequest: boolean;
  autoMerge: boolean;
}

/** One key a gitops deploy sets: the file (`{environment}` not yet replaced), the key, the image and the text written. */
export interface GitopsDeployEntry {
  file: string;
  key: string[];
  image: ParsedImage;
  value: string;
}

export type GitopsDeployTarget = GitopsTarget & {
  image?: ParsedImage;
  entries: GitopsDeployEntry[];
  verify?: GitopsVerify;
};

/** deploy-env reads the gitops inputs, `verify` and the cluster access `verify` uses. */
type GitopsDeployInput = Inputs<typeof gitopsInputs> & VerifyInput;

function gitopsTarget(input: Inputs<typeof gitopsInputs>, source: SettingsSource): GitopsTarget {
  if (input.autoMerge && !input.pullRequest) {
    throw new InputError('auto-merge', 'true', '`auto-merge` needs `pull-request: true`');
  }
  return {
    ...(input.repository ? { repository: input.repository } : {}),
    ...(input.branch ? { branch: input.branch } : {}),
    file: input.file,
    key: input.key,
    ...(input.updates?.length ? { updates: input.updates } : {}),
    valueKind: input.value,
    ...(input.commitMessage ? { commitMessage: input.commitMessage } : {}),
    ...(input.token ? { token: input.token } : {}),
    tokenUser: source.ctx.provider === 'gitlab' ? 'gitlab-ci-token' : 'x-access-token',
    via: input.via,
    pullRequest: input.pullRequest,
    autoMerge: input.autoMerge,
  };
}

function gitopsDeployTarget(
  input: GitopsDeployInput,
  image: ParsedImage | undefined,
  source: SettingsSource,
): GitopsDeployTarget {
  // The image first: without it nothing else about the target matters.
  if (!image && !input.updates?.length) throw missingImage('gitops');
  const target = gitopsTarget(input, source);
  const entries = target.updates
    ? target.updates.map((u) => ({ ...u, value: gitopsValue(target.valueKind, u.image, 'updates') }))
    : [
        {
          file: target.file,
          key: target.key,
          image: image as ParsedImage,
          value: gitopsValue(target.valueKind, image as ParsedImage, 'image'),
        },
      ];
  const verify = gitopsVerify(input);
  if (verify && target.pullRequest) {
    throw new InputError(
      'verify',
      verify.controller,
      'not with `pull-request: true`: the change waits for review, so there is nothing to verify yet',
    );
  }
  return {
    ...target,
    ...(image && !target.updates ? { image } : {}),
    entries,
    ...(verify ? { verify } : {}),
  };
}

/** The text written into the file for `value: tag|digest|ref`. */
function gitopsValue(
  kind: GitopsTarget['valueKind'],
  image: ParsedImage,
  input: 'image' | 'updates',
): string {
  switch (kind) {
    case 'tag':
      if (!image.ref.tag) {
        throw new InputError(
          input,
          image.text,
          'it has no tag, but `value: tag` writes the tag; use value: digest or ref',
        );
      }
      return image.ref.tag;
    case 'digest':
      if (!image.ref.digest) {
        throw new InputError(
          input,
          image.text,
          'it has no digest (`…@sha256:…`), but `value: digest` writes the digest',
        );
      }
      return image.ref.digest;
    case 'ref':
      return image.text || formatImageRef(image.ref);
  }
}

/** This repository on the CI platform, when `repository` is not given. */
export function defaultRepository(ci: CiContext): string {
  // A local run's serverUrl/repository only name the API gate-merge and notify-pr call.
  if (ci.provider !== 'local' && ci.serverUrl && ci.repository) {
    return `${ci.serverUrl.replace(/\/+$/, '')}/${ci.repository}.git`;
  }
  throw new InputError(
    'repository',
    '',
    'it is required outside GitHub Actions and GitLab CI (a git URL or path)',
  );
}

async function gitopsOptions(target: GitopsTarget, env: StrategyEnv) {
  const forge = await env.gitopsForge({
    ...(target.repository ? { repository: target.repository } : {}),
    ...(target.token ? { token: target.token } : {}),
    api: target.via === 'api',
    pullRequest: target.pullRequest,
  });
  return {
    // The API writer names its repository itself; the git writer needs a remote.
    repository: forge.api ? forge.api.where : target.repository || defaultRepository(env.ci),
    ...(target.branch ? { branch: target.branch } : {}),
    ...(target.token ? { token: target.token } : {}),
    tokenUser: target.tokenUser,
    ...(forge.api ? { api: forge.api } : {}),
    ...(forge.pullRequests ? { pullRequest: { api: forge.pullRequests, autoMerge: target.autoMerge } } : {}),
  };
}

export const gitops = defineStrategy({
  name: 'gitops',
  inputs: gitopsInputs,
  target: gitopsTarget,
  rollbackTo(to, target) {
    if ((target.updates?.length ?? 0) > 1) {
      throw new InputError(
        'to',
        to,
        'empty with several `updates` (each key goes back to its own previous value)',
      );
    }
    return to;
  },
  deployTarget: gitopsDeployTarget,
  requested: (target) => ({
    ...(target.image ? { image: target.image } : {}),
    text: target.entries.map((e) => e.image.text).join('\n'),
  }),
  async deploy(target, env, ctx, force) {
    const { deployGitops } = await import('../../../core/deploy/gitops/index.js');
    const result = await deployGitops(
      {
        ...(await gitopsOptions(target, env)),
        updates: target.entries.map((e) => ({
          file: withEnv(e.file, ctx.environment),
          key: e.key,
          value: e.value,
          image: e.image,
        })),
        input: target.updates ? 'updates' : 'key',
        valueKind: target.valueKind,
        ...(target.commitMessage ? { message: target.commitMessage } : {}),
        force,
      },
      ctx,
    );
    return target.verify ? verifyGitopsDeploy(target.verify, result, ctx) : result;
  },
  async rollback(target, req, env, ctx) {
    const { rollbackGitops } = await import('../../../core/deploy/gitops/index.js');
    const lines = target.updates ?? [{ file: target.file, key: target.key, image: req.image }];
    return rollbackGitops(
      {
        ...(await gitopsOptions(target, env)),
        entries: lines.map((l) => ({
          file: withEnv(l.file, ctx.environment),
          key: l.key,
          ...(l.image ? { imageRepository: repositoryName(l.image.ref) } : {}),
        })),
        input: target.updates ? 'updates' : 'key',
        valueKind: target.valueKind,
        ...(req.to ? { to: req.to } : {}),
        ...(req.reason ? { reason: req.reason } : {}),
      },
      ctx,
    );
  },
});

/** deploy-env only: the gitops `verify` inputs. */
export { verifyInputs };
