/**
 * The gitops strategy's inputs: where the config lives, what key to write, and (deploy-env only)
 * how to verify that Argo CD / Flux applied it. Parsed here into typed values (paths checked to
 * stay inside the repository, branch names safe as git argv).
 */
import { posix } from 'node:path';
import { type ParsedImage, parseImage } from '../../../core/image-ref.js';
import { bool, choice, duration, parsed, text } from '../../../platform/inputs.js';

/** `image.tag` → ['image', 'tag']; a segment is letters, digits, `_` or `-` (numbers index lists). */
export function parseKeyPath(raw: string): string[] {
  const parts = raw.trim().split('.');
  for (const part of parts) {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) {
      throw new Error(`"${part}" is not a key segment (letters, digits, _ and - between dots)`);
    }
  }
  return parts;
}

/**
 * A repository-relative file path. Absolute paths, `..` that leaves the repository and `.git/`
 * are rejected here, before anything is cloned; symlinks are checked once the clone exists.
 */
export function parseRepoPath(raw: string): string {
  const path = raw.trim();
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.includes('\\')) {
    throw new Error('must be a path relative to the repository root');
  }
  const normal = posix.normalize(path);
  if (normal === '..' || normal.startsWith('../')) throw new Error('resolves outside the repository');
  if (normal === '.git' || normal.startsWith('.git/')) throw new Error('points into .git');
  if (normal === '.' || normal.endsWith('/')) throw new Error('must name a file');
  return normal;
}

/** Branch names go to git as argv: no option look-alikes, nothing git itself would refuse. */
export function parseBranch(raw: string): string {
  const name = raw.trim();
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(name) || name.includes('..') || name.endsWith('.lock')) {
    throw new Error('not a valid branch name');
  }
  return name;
}

/** One line of `updates`: `FILE KEY IMAGE`. */
export interface UpdateLine {
  /** Repository-relative; `{environment}` not yet replaced. */
  file: string;
  key: string[];
  image: ParsedImage;
}

/** `updates`: one `FILE KEY IMAGE` a line (blank lines and `#` comments skipped). */
export function parseUpdates(raw: string): UpdateLine[] {
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.map((line, i) => {
    const fields = line.split(/\s+/);
    if (fields.length !== 3) throw new Error(`line ${i + 1} ("${line}") is not FILE KEY IMAGE`);
    const [file, key, image] = fields as [string, string, string];
    const at = `line ${i + 1}`;
    const wrap = <T>(what: string, fn: () => T): T => {
      try {
        return fn();
      } catch (err) {
        throw new Error(`${at}: ${what} ${(err as Error).message}`);
      }
    };
    return {
      file: wrap(`FILE ${file}`, () => parseRepoPath(file)),
      key: wrap(`KEY ${key}`, () => parseKeyPath(key)),
      image: wrap(`IMAGE ${image}`, () => parseImage(image)),
    };
  });
}

/** Inputs of the gitops strategy, deploy-env and rollback alike. */
export const gitopsInputs = {
  repository: text({
    description:
      'gitops: the repository holding the deployment config (git URL or path); default this repository',
  }),
  branch: parsed(
    {
      description: "gitops: branch to commit to; default the repository's default branch",
      accepted: 'a branch name',
    },
    parseBranch,
  ),
  file: parsed(
    {
      description: 'gitops: YAML file to change, relative to the repository; `{environment}` is replaced',
      default: 'deploy/{environment}/values.yaml',
      accepted: 'a path inside the repository (no absolute path, no `..` out of it)',
    },
    parseRepoPath,
  ),
  key: parsed(
    {
      description: 'gitops: dot path of the key to set, e.g. `image.tag` (numbers index lists)',
      default: 'image.tag',
      accepted: 'a dot path like image.tag',
    },
    parseKeyPath,
  ),
  value: choice({
    description: 'gitops: what to write: `tag`, `digest` (`sha256:…`) or `ref` (the full image reference)',
    default: 'tag',
    options: ['tag', 'digest', 'ref'] as const,
  }),
  updates: parsed(
    {
      description:
        'gitops: several changes in one commit, one `FILE KEY IMAGE` a line (`{environment}` replaced in FILE; `value` applies to each); then `file`, `key` and `image` are not used',
      accepted:
        'lines of FILE KEY IMAGE, e.g. `services/a/{environment}/values.yaml image.tag registry/a:1.2.3`',
      kind: 'lines',
    },
    parseUpdates,
  ),
  via: choice({
    description:
      'gitops: `git` (clone, commit, push) or `api`: commit through the GitHub/GitLab API with no clone (re-applied when the branch head moved)',
    default: 'git',
    options: ['git', 'api'] as const,
  }),
  'pull-request': bool({
    description:
      'gitops: commit to branch `stagecraft/<environment>` and open or update one pull/merge request into `branch`',
    default: 'false',
  }),
  'auto-merge': bool({
    description: 'gitops, with `pull-request`: turn on auto-merge of the pull/merge request',
    default: 'false',
  }),
  'commit-message': text({
    description: 'gitops: commit subject; `{environment}`, `{image}` and `{value}` are replaced',
  }),
  token: text({
    description:
      'gitops: token for HTTPS git remotes (sent as an HTTP header, never in the URL); GitHub: deployment records',
    githubDefault: '${{ github.token }}',
    secret: true,
  }),
};

export const GITOPS_VERIFY = ['none', 'argocd', 'flux'] as const;
export type GitopsVerifyKind = (typeof GITOPS_VERIFY)[number];

export interface ApplicationRef {
  namespace?: string;
  name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** `[namespace/]name` of an Argo CD Application or Flux Kustomization; `{environment}` may appear in either. */
export function parseApplication(raw: string): ApplicationRef {
  const text = raw.trim();
  const [first, second, ...rest] = text.split('/');
  const [namespace, name] = second === undefined ? [undefined, first] : [first, second];
  // `{environment}` is replaced when deploying; checked here with an environment-like stand-in.
  const valid = (part: string, pattern: RegExp) => pattern.test(part.replaceAll('{environment}', 'env'));
  if (
    rest.length ||
    !name ||
    !valid(name, DNS_SUBDOMAIN) ||
    (namespace !== undefined && !valid(namespace, DNS_LABEL))
  ) {
    throw new Error('not a Kubernetes object name');
  }
  return namespace === undefined ? { name } : { namespace, name };
}

/** deploy-env only: wait for Argo CD / Flux to report the gitops commit applied and healthy. */
export const verifyInputs = {
  verify: choice({
    description:
      'gitops: after the push, wait through the Kubernetes API until `argocd` or `flux` reports the commit synced and healthy; `none` does not wait',
    default: 'none',
    options: GITOPS_VERIFY,
  }),
  application: parsed(
    {
      description:
        'gitops `verify`: `[namespace/]name` of the Argo CD Application (default namespace `argocd`) or Flux Kustomization (default `flux-system`); `{environment}` is replaced',
      accepted: '[namespace/]name, e.g. argocd/shop-{environment}',
    },
    parseApplication,
  ),
  'verify-timeout': duration({
    description: 'gitops `verify`: how long to wait for the controller',
    default: '10m',
    min: 1,
  }),
};
