/** Inputs and parsers several steps share (gate-merge, notify-pr, deploy-env, smoke-test). */
import { text } from '../platform/inputs.js';

/** Statuses need the full commit id (40 hex, or 64 in SHA-256 repositories). */
export function parseSha(raw: string): string {
  const sha = raw.trim().toLowerCase();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) throw new Error('not a full commit sha');
  return sha;
}

export function parseHttpUrl(raw: string): string {
  const url = new URL(raw.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http and https URLs');
  return url.href;
}

export const SHA_ACCEPTED = 'a full commit sha (40 hexadecimal characters, 64 in SHA-256 repositories)';

export const tokenInput = text({
  description:
    'API token. GitHub: defaults to the workflow token (needs `statuses: write`, `pull-requests: write`). CLI: GITHUB_TOKEN, else GITLAB_TOKEN, else CI_JOB_TOKEN',
  githubDefault: '${{ github.token }}',
  secret: true,
});

export const repositoryInput = text({
  description: 'owner/name on GitHub, project id or path on GitLab (default: this repository / project)',
  pattern: /^[\w.-]+(?:\/[\w.-]+)*$/,
  accepted: 'owner/name, a project path or a numeric project id',
});
