/**
 * GitHub's artifact attestations API: stores a Sigstore bundle for the repository
 * (`POST /repos/{owner}/{repo}/attestations`, permission `attestations: write`), where
 * `gh attestation verify oci://…` and the repository's Attestations page find it.
 */
import { type GitHubClient, permissionHint } from './github-api.js';

export async function storeAttestation(
  client: GitHubClient,
  target: { owner: string; repo: string },
  bundle: Record<string, unknown>,
): Promise<number> {
  try {
    const res = await client.request('POST /repos/{owner}/{repo}/attestations', {
      ...target,
      bundle: bundle as never,
    });
    return (res.data as { id?: number }).id ?? 0;
  } catch (err) {
    permissionHint(err, 'attestations: write');
  }
}
