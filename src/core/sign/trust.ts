/**
 * The Sigstore trust root a verification checks against: a `trusted_root.json` (a private
 * Sigstore, or a test's), else the public instance's, fetched and checked through TUF
 * (@sigstore/tuf, which keeps its cache under `cachePath`).
 */
import { readFile } from 'node:fs/promises';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { cjs } from './cjs.js';

export type { TrustedRoot };

export async function loadTrustedRoot(options: {
  path?: string;
  tufCachePath?: string;
}): Promise<TrustedRoot> {
  const { TrustedRoot } = await cjs(import('@sigstore/protobuf-specs'));
  if (options.path) {
    let text: string;
    try {
      text = await readFile(options.path, 'utf8');
    } catch (err) {
      throw new Error(`trusted-root ${options.path} cannot be read: ${(err as Error).message}`);
    }
    try {
      return TrustedRoot.fromJSON(JSON.parse(text));
    } catch (err) {
      throw new Error(
        `trusted-root ${options.path} is not a Sigstore trusted_root.json: ${(err as Error).message}`,
      );
    }
  }
  const { getTrustedRoot } = await cjs(import('@sigstore/tuf'));
  try {
    return await getTrustedRoot(options.tufCachePath ? { cachePath: options.tufCachePath } : {});
  } catch (err) {
    throw new Error(
      `Sigstore's public trust root could not be fetched through TUF: ${(err as Error).message}. Give trusted-root for a private Sigstore`,
    );
  }
}

/** A trust root that trusts nothing: enough to check a key-signed bundle that was never logged. */
export function emptyTrustedRoot(): TrustedRoot {
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
}
