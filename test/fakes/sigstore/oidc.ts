/**
 * A fake OIDC issuer: ES256 tokens under its own key, with the JWKS a relying party (our fake
 * Fulcio) checks them against, and the claims GitHub Actions and GitLab put in their ID tokens
 * (https://docs.github.com/actions/reference/security/oidc, https://docs.gitlab.com/ci/secrets/id_token_authentication/).
 * Tokens are made by hand here and checked with `jose` there, so neither side checks itself.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

export interface OidcIssuer {
  /** The `iss` claim (e.g. https://token.actions.githubusercontent.com). */
  issuer: string;
  jwks: { keys: Record<string, unknown>[] };
  mint(
    claims: Record<string, unknown>,
    options?: { audience?: string; expiresInS?: number; issuedAgoS?: number },
  ): string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function createIssuer(issuer: string, key?: KeyObject): OidcIssuer {
  const privateKey = key ?? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const kid = randomUUID();
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } as Record<
    string,
    unknown
  >;
  delete jwk.d;
  return {
    issuer,
    jwks: { keys: [jwk] },
    mint(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000) - (options.issuedAgoS ?? 0);
      const payload = {
        iss: issuer,
        aud: options.audience ?? 'sigstore',
        iat: now,
        nbf: now,
        exp: now + (options.expiresInS ?? 300),
        jti: randomUUID(),
        ...claims,
      };
      const head = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
      const sig = sign('sha256', Buffer.from(head), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${head}.${b64url(sig)}`;
    },
  };
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_ISSUER = 'https://gitlab.com';

/** The claims of a GitHub Actions ID token for `workflow` (`.github/workflows/x.yml`) run on `ref`. */
export function githubClaims(o: { repository: string; workflow: string; ref: string; sha?: string }) {
  const [owner] = o.repository.split('/');
  const workflowRef = `${o.repository}/${o.workflow}@${o.ref}`;
  return {
    sub: `repo:${o.repository}:ref:${o.ref}`,
    repository: o.repository,
    repository_owner: owner,
    repository_id: '1',
    repository_owner_id: '1',
    repository_visibility: 'public',
    ref: o.ref,
    sha: o.sha ?? '0'.repeat(40),
    workflow: 'release',
    workflow_ref: workflowRef,
    workflow_sha: o.sha ?? '0'.repeat(40),
    job_workflow_ref: workflowRef,
    job_workflow_sha: o.sha ?? '0'.repeat(40),
    event_name: 'push',
    run_id: '42',
    run_attempt: '1',
    runner_environment: 'github-hosted',
  };
}

/** The claims of a GitLab CI `id_tokens` token for `project` (group/name) on branch `ref`. */
export function gitlabClaims(o: { project: string; ref: string; configPath?: string; host?: string }) {
  const host = o.host ?? 'gitlab.com';
  return {
    sub: `project_path:${o.project}:ref_type:branch:ref:${o.ref}`,
    namespace_path: o.project.split('/')[0],
    project_path: o.project,
    ref: o.ref,
    ref_type: 'branch',
    pipeline_source: 'push',
    ci_config_ref_uri: `${host}/${o.project}//${o.configPath ?? '.gitlab-ci.yml'}@refs/heads/${o.ref}`,
  };
}
