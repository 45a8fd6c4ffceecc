/**
 * The job's OIDC token for keyless signing, read where the platform keeps it:
 * - GitHub Actions: requested from ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN,
 *   audience `sigstore` (the runner sets both only for jobs with `permissions: id-token: write`);
 * - GitLab CI: the `SIGSTORE_ID_TOKEN` variable that `id_tokens:` defines;
 * - anywhere: the `oidc-token` input, which wins.
 * `oidcSource` runs in the settings (a missing permission fails before anything is built);
 * `fetchOidcToken` right before signing (the tokens live minutes, builds can take longer).
 */
import { InputError, StepError } from '../core/errors.js';
import { httpFetch, networkReason } from '../core/http.js';
import type { CiContext } from './context.js';

export type OidcSource =
  | { kind: 'given'; token: string }
  | { kind: 'github'; requestUrl: string; requestToken: string }
  | { kind: 'gitlab'; token: string };

export const GITHUB_FIX =
  'give the job `permissions: id-token: write` (GitHub sets ACTIONS_ID_TOKEN_REQUEST_URL only then), or pass oidc-token';
export const GITLAB_FIX =
  'give the job `id_tokens: { SIGSTORE_ID_TOKEN: { aud: sigstore } }`, or pass oidc-token';

export function oidcSource(
  ctx: Pick<CiContext, 'provider'>,
  env: Record<string, string | undefined>,
  given: string | undefined,
): OidcSource {
  if (given) return { kind: 'given', token: given };
  if (ctx.provider === 'github') {
    const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!requestUrl || !requestToken) {
      throw new InputError('sign', 'keyless', `keyless signing needs the job's OIDC token: ${GITHUB_FIX}`);
    }
    return { kind: 'github', requestUrl, requestToken };
  }
  if (ctx.provider === 'gitlab') {
    const token = env.SIGSTORE_ID_TOKEN;
    if (!token)
      throw new InputError('sign', 'keyless', `keyless signing needs the job's OIDC token: ${GITLAB_FIX}`);
    return { kind: 'gitlab', token };
  }
  throw new InputError(
    'oidc-token',
    '',
    'it is required for sign: keyless outside GitHub Actions and GitLab CI (an OIDC ID token with audience sigstore)',
  );
}

/** The token itself (GitHub: one request, retried on 5xx and dropped connections). */
export async function fetchOidcToken(source: OidcSource, audience = 'sigstore'): Promise<string> {
  if (source.kind !== 'github') return source.token;
  const url = new URL(source.requestUrl);
  url.searchParams.set('audience', audience);
  let res: Awaited<ReturnType<typeof httpFetch>>;
  try {
    res = await httpFetch(
      url,
      {
        method: 'GET',
        headers: { authorization: `Bearer ${source.requestToken}`, accept: 'application/json' },
      },
      { retry: { attempts: 4, baseMs: 500, capMs: 5_000 }, timeoutMs: 30_000 },
    );
  } catch (err) {
    throw new StepError(`Requesting the GitHub OIDC token failed: ${networkReason(err)}`);
  }
  if (!res.ok) {
    await res.cancel();
    throw new StepError(
      `Requesting the GitHub OIDC token failed: HTTP ${res.status}${res.status === 401 || res.status === 403 ? ` (${GITHUB_FIX})` : ''}`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as { value?: unknown } | undefined;
  if (typeof body?.value !== 'string' || !body.value) {
    throw new StepError('Requesting the GitHub OIDC token failed: the answer holds no token');
  }
  return body.value;
}
