/** build-push-image's promote flow: copy an existing image by digest, with its referrers; no build. */
import { formatImageRef, type ImageRef, repositoryName } from '../core/image-ref.js';
import { RegistryClient } from '../core/registry/client.js';
import { type CopyResult, copyImage } from '../core/registry/copy.js';
import type { Runtime } from '../platform/runtime.js';
import { type CredentialInputs, credentialsFor } from './build-push-credentials.js';

export interface Outcome {
  result: CopyResult;
  /** One line for the summary: how the image came to be. */
  how: string;
  referrers: number;
  /** Extra summary rows. */
  rows?: [string, string][];
  /** With `sign`: the digest of the signature bundle's manifest. */
  signature?: string;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function promote(
  input: CredentialInputs & { image: ImageRef; promoteFrom: ImageRef; tlsVerify: boolean },
  tags: string[],
  target: RegistryClient,
  rt: Runtime,
): Promise<Outcome> {
  const from = input.promoteFrom;
  const repo = repositoryName(input.image);
  const sourceClient =
    from.registry === input.image.registry
      ? target
      : await (async () => {
          const creds = await credentialsFor(from.registry, input, rt);
          return new RegistryClient({
            registry: from.registry,
            insecure: !input.tlsVerify,
            ...(creds ? { credentials: creds } : {}),
            log: rt,
          });
        })();
  const result = await rt.group(
    `Promote ${formatImageRef(from)} → ${tags.map((t) => `${repo}:${t}`).join(', ')}`,
    () =>
      copyImage(
        { client: sourceClient, repository: from.repository, reference: from.digest ?? (from.tag as string) },
        { client: target, repository: input.image.repository, tags },
        rt,
      ),
  );
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    result,
    referrers: result.referrers,
    how: `promoted from \`${formatImageRef(from)}\` (${plural(result.manifests, 'manifest')}, ${plural(result.referrers, 'referrer')}; ${result.blobsMounted} blobs mounted, ${result.blobsCopied} copied, ${result.blobsPresent} already there; ${formatSize(result.bytesCopied)} moved)`,
  };
}
